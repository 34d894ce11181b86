from django.contrib.auth import views as auth_views
from django.urls import path

from cadence.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("logs/audit/", views.audit_log, name="audit_log"),
    path("logs/access/", views.access_log, name="access_log"),
]

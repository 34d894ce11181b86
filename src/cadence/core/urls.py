from django.contrib.auth import views as auth_views
from django.urls import path

from cadence.core import views, views_notifications

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", views_notifications.notification_list, name="notifications"),
    path("notifications/badge/", views_notifications.notification_badge, name="notification_badge"),
    path("notifications/read/", views_notifications.notification_read, name="notification_read"),
    path("logs/audit/", views.audit_log, name="audit_log"),
    path("logs/access/", views.access_log, name="access_log"),
]

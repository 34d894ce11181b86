"""The improvement-plan pages, under /development/ (namespace `development`)."""

from django.urls import URLPattern, URLResolver, path

from cadence.development import views_pips as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("improvement-plans/", views.pip_list, name="pip_list"),
    path("improvement-plans/new/", views.pip_new, name="pip_new"),
    path("improvement-plans/<int:pk>/", views.pip_detail, name="pip_detail"),
    path("improvement-plans/<int:pk>/edit/", views.pip_edit, name="pip_edit"),
    path("improvement-plans/<int:pk>/move/", views.pip_transition, name="pip_transition"),
    path("improvement-plans/<int:pk>/check-in/", views.pip_check_in, name="pip_check_in"),
    path("improvement-plans/<int:pk>/acknowledge/", views.pip_acknowledge, name="pip_acknowledge"),
    path("improvement-plans/<int:pk>/comments/", views.pip_comments, name="pip_comments"),
    path("improvement-plans/<int:pk>/plan.pdf", views.pip_pdf_view, name="pip_pdf"),
]

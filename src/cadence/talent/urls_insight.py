"""Routes of the calibration pre-read and outcome pages (app namespace
`talent`, mounted at /talent/)."""

from django.urls import URLPattern, URLResolver, path

from cadence.talent import views_insight as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("sessions/<int:pk>/pre-read/", views.session_preread, name="session_preread"),
    path(
        "sessions/<int:pk>/pre-read/export/",
        views.session_preread_export,
        name="session_preread_export",
    ),
    path("sessions/<int:pk>/outcome/", views.session_outcome, name="session_outcome"),
    path(
        "sessions/<int:pk>/outcome/export/",
        views.session_outcome_export,
        name="session_outcome_export",
    ),
]

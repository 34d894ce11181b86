"""The calibration session pages, under /talent/ (namespace `talent`)."""

from django.urls import URLPattern, URLResolver, path

from cadence.talent import views_sessions as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/state/", views.session_transition, name="session_transition"),
    path("sessions/<int:pk>/grid/", views.session_grid, name="session_grid"),
    path("sessions/<int:pk>/move/", views.session_move, name="session_move"),
    path("sessions/<int:pk>/people/", views.session_people, name="session_people"),
    path(
        "sessions/<int:pk>/people/export.csv",
        views.session_people_export,
        name="session_people_export",
    ),
    path("sessions/<int:pk>/people/import/", views.session_import, name="session_import"),
    path(
        "sessions/<int:pk>/people/import/apply/",
        views.session_import_apply,
        name="session_import_apply",
    ),
    path("sessions/<int:pk>/people/<int:entry_pk>/", views.session_entry, name="session_entry"),
]

"""Routes of the reviews pages for cycles; included by reviews/urls.py under the
"reviews" namespace."""

from django.urls import URLPattern, path

from cadence.reviews import views_cycles as views
from cadence.reviews import views_cycles_changes as changes

urlpatterns: list[URLPattern] = [
    path("cycles/", views.cycle_list, name="cycle_list"),
    path("cycles/new/", views.cycle_create, name="cycle_create"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/edit/", views.cycle_edit, name="cycle_edit"),
    path("cycles/<int:pk>/preview/", views.cycle_preview, name="cycle_preview"),
    path("cycles/<int:pk>/launch/", views.cycle_launch, name="cycle_launch"),
    path("cycles/<int:pk>/progress/", views.cycle_progress, name="cycle_progress"),
    path("cycles/<int:pk>/stage/", views.cycle_stage, name="cycle_stage"),
    path("cycles/<int:pk>/participants/", changes.participants, name="cycle_participants"),
    path(
        "cycles/<int:pk>/participants/add/",
        changes.participant_add,
        name="cycle_participant_add",
    ),
    path(
        "cycles/<int:pk>/participants/<int:employee_pk>/",
        changes.participant_detail,
        name="cycle_participant",
    ),
    path(
        "cycles/<int:pk>/participants/<int:employee_pk>/remove/",
        changes.participant_remove,
        name="cycle_participant_remove",
    ),
    path(
        "cycles/<int:pk>/participants/<int:employee_pk>/manager/",
        changes.participant_manager,
        name="cycle_participant_manager",
    ),
    path(
        "cycles/<int:pk>/assignments/<int:assignment_pk>/replace/",
        changes.assignment_replace,
        name="cycle_assignment_replace",
    ),
    path(
        "cycles/<int:pk>/assignments/<int:assignment_pk>/reopen/",
        changes.assignment_reopen,
        name="cycle_assignment_reopen",
    ),
    path(
        "cycles/<int:pk>/phases/<slug:kind>/extend/",
        changes.phase_extend,
        name="cycle_phase_extend",
    ),
]

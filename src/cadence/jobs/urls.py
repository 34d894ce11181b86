from django.urls import path

from cadence.jobs import views

app_name = "jobs"


def _record_urls(prefix: str, kind: str, parent: str | None = None) -> list:
    """new/edit/delete URLs for one of the smaller records (see views.KINDS)."""
    new = f"{parent}/<int:parent_pk>/{prefix}/new/" if parent else f"{prefix}/new/"
    return [
        path(new, views.record_form, {"kind": kind}, name=f"{kind}_create"),
        path(f"{prefix}/<int:pk>/edit/", views.record_form, {"kind": kind}, name=f"{kind}_edit"),
        path(
            f"{prefix}/<int:pk>/delete/",
            views.record_delete,
            {"kind": kind},
            name=f"{kind}_delete",
        ),
    ]


urlpatterns = [
    path("", views.profile_list, name="profile_list"),
    path("profiles/new/", views.profile_form, name="profile_create"),
    path("profiles/<int:pk>/", views.profile_detail, name="profile_detail"),
    path("profiles/<int:pk>/edit/", views.profile_form, name="profile_edit"),
    path("profiles/<int:pk>/delete/", views.profile_delete, name="profile_delete"),
    path(
        "profiles/<int:pk>/proficiencies/",
        views.profile_proficiencies,
        name="profile_proficiencies",
    ),
    path("architecture/", views.architecture, name="architecture"),
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
    *_record_urls("families", "family"),
    *_record_urls("job-levels", "job_level"),
    *_record_urls("pay-grades", "pay_grade"),
    *_record_urls("frameworks", "framework"),
    *_record_urls("competencies", "competency", parent="frameworks"),
    *_record_urls("proficiency-levels", "proficiency_level", parent="frameworks"),
    *_record_urls("indicators", "indicator", parent="competencies"),
]

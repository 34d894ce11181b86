"""Routes of the succession pages; included by talent/urls.py under the
"talent" namespace (mounted at /talent/)."""

from django.urls import URLPattern, URLResolver, path

from cadence.talent import views_succession as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("succession/", views.role_list, name="succession_list"),
    path("succession/new/", views.role_new, name="succession_new"),
    path("succession/<int:pk>/", views.role_detail, name="succession_detail"),
    path("succession/<int:pk>/edit/", views.role_edit, name="succession_edit"),
    path("succession/<int:pk>/delete/", views.role_delete, name="succession_delete"),
    path(
        "succession/<int:pk>/successors/new/",
        views.successor_add,
        name="succession_successor_add",
    ),
    path(
        "succession/<int:pk>/successors/<int:successor_pk>/edit/",
        views.successor_edit,
        name="succession_successor_edit",
    ),
    path(
        "succession/<int:pk>/successors/<int:successor_pk>/remove/",
        views.successor_remove,
        name="succession_successor_remove",
    ),
]

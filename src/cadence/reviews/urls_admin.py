"""Routes of the reviews pages for admin (rating scales and review
templates); included by reviews/urls.py under the "reviews" namespace,
mounted at /reviews/."""

from django.urls import URLPattern, path

from cadence.reviews import views_admin

urlpatterns: list[URLPattern] = [
    path("admin/scales/", views_admin.scale_list, name="admin_scale_list"),
    path("admin/scales/new/", views_admin.scale_edit, name="admin_scale_create"),
    path("admin/scales/<int:pk>/", views_admin.scale_edit, name="admin_scale_edit"),
    path("admin/scales/<int:pk>/archive/", views_admin.scale_archive, name="admin_scale_archive"),
    path("admin/templates/", views_admin.template_list, name="admin_template_list"),
    path("admin/templates/new/", views_admin.template_edit, name="admin_template_create"),
    path("admin/templates/<int:pk>/", views_admin.template_edit, name="admin_template_edit"),
    path("admin/templates/<int:pk>/copy/", views_admin.template_copy, name="admin_template_copy"),
    path(
        "admin/templates/<int:pk>/archive/",
        views_admin.template_archive,
        name="admin_template_archive",
    ),
    path(
        "admin/templates/<int:pk>/preview/",
        views_admin.template_preview,
        name="admin_template_preview",
    ),
]

from django.urls import path

from cadence.people import views

app_name = "people"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.profile, name="profile"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("org-chart/", views.org_chart, name="org_chart"),
    path(
        "org-chart/<int:pk>/children/",
        views.org_chart_children,
        name="org_chart_children",
    ),
    path(
        "org-chart/<int:pk>/children.json",
        views.org_chart_children_json,
        name="org_chart_children_json",
    ),
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("departments/<int:pk>/delete/", views.department_delete, name="department_delete"),
    path("locations/", views.location_list, name="location_list"),
    path("locations/new/", views.location_edit, name="location_create"),
    path("locations/<int:pk>/edit/", views.location_edit, name="location_edit"),
]

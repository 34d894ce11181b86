from django.urls import path

from cadence.goals import views

app_name = "goals"
urlpatterns = [
    path("", views.my_goals, name="my_goals"),
    path("new/", views.create, name="create"),
    path("team/", views.team, name="team"),
    path("tree/", views.goal_tree, name="tree"),
    path("tree/data.json", views.goal_tree_data, name="tree_data"),
    path("company/", views.company, name="company"),
    path("key-results/nudge/", views.key_result_nudge, name="key_result_nudge"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/key-results/new/", views.key_result_edit, name="key_result_create"),
    path(
        "<int:pk>/key-results/<int:kr_pk>/edit/",
        views.key_result_edit,
        name="key_result_edit",
    ),
    path(
        "<int:pk>/key-results/<int:kr_pk>/check-in/",
        views.check_in,
        name="check_in",
    ),
]

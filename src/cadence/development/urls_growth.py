"""Routes of the development plan pages; included by development/urls.py
under the "development" namespace."""

from django.urls import URLPattern, URLResolver, path

from cadence.development import views_growth as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/goals/new/", views.goal_new, name="plan_goal_new"),
    path(
        "plans/<int:pk>/goals/<int:goal_pk>/actions/new/",
        views.action_new,
        name="plan_action_new",
    ),
    path(
        "plans/<int:pk>/actions/<int:action_pk>/status/",
        views.action_status,
        name="plan_action_status",
    ),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/withdraw/", views.plan_withdraw, name="plan_withdraw"),
    path("plans/<int:pk>/complete/", views.plan_complete, name="plan_complete"),
    path("plans/<int:pk>/decision/", views.plan_decision, name="plan_decision"),
    path("plans/<int:pk>/comments/", views.plan_comment, name="plan_comment"),
]

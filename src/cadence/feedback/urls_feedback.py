"""Routes of the feedback pages (app namespace `feedback`, mounted at
/feedback/): the praise wall, giving feedback, my feedback, feedback
requests and the HR admin's company values."""

from django.urls import URLPattern, URLResolver, path

from cadence.feedback import views_feedback as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.wall, name="wall"),
    path("give/", views.give, name="give"),
    path("people/", views.people_search, name="people_search"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("asks/<int:pk>/answer/", views.answer, name="answer"),
    path("asks/<int:pk>/decline/", views.decline, name="decline"),
    path("values/", views.values, name="values"),
    path("values/new/", views.value_edit, name="value_new"),
    path("values/<int:pk>/edit/", views.value_edit, name="value_edit"),
    path("values/<int:pk>/active/", views.value_active, name="value_active"),
    path("values/<int:pk>/delete/", views.value_delete, name="value_delete"),
]

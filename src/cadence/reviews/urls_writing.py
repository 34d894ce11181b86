"""Routes of the reviews pages for writing; included by reviews/urls.py under the
"reviews" namespace: my reviews, the review form, peer nominations and their
approval."""

from django.urls import URLPattern, path

from cadence.reviews import views_writing as views

urlpatterns: list[URLPattern] = [
    path("", views.my_reviews, name="my_reviews"),
    path("assignments/<int:pk>/", views.review_form, name="review_form"),
    path("assignments/<int:pk>/save/", views.review_save, name="review_save"),
    path("assignments/<int:pk>/submit/", views.review_submit, name="review_submit"),
    path("nominations/", views.nominations_page, name="nominations"),
    path("nominations/approvals/", views.nomination_approvals, name="nomination_approvals"),
    path("nominations/<int:pk>/decide/", views.nomination_decide, name="nomination_decide"),
    path(
        "nominations/<int:cycle_pk>/<int:employee_pk>/",
        views.nominate,
        name="nominate",
    ),
    path(
        "nominations/<int:cycle_pk>/<int:employee_pk>/search/",
        views.nominate_search,
        name="nominate_search",
    ),
]

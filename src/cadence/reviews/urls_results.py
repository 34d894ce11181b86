"""Routes of the reviews pages for results; included by reviews/urls.py under the
"reviews" namespace. Everything sits under results/, so it cannot clash with
the cycle pages' routes."""

from django.urls import URLPattern, path

from cadence.reviews import views_results as views

urlpatterns: list[URLPattern] = [
    path("results/", views.my_results, name="my_results"),
    path("results/<int:pk>/", views.result_detail, name="result_detail"),
    path("results/<int:pk>/rating/", views.result_rating, name="result_rating"),
    path("results/<int:pk>/acknowledge/", views.result_acknowledge, name="result_acknowledge"),
    path("results/cycles/<int:pk>/", views.cycle_results, name="results_cycle"),
    path("results/cycles/<int:pk>/team/", views.team_results, name="results_team"),
    path("results/cycles/<int:pk>/release/", views.release, name="results_release"),
    path("results/cycles/<int:pk>/export/", views.export, name="results_export"),
]

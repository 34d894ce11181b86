"""Insights pages: ratings."""

from django.urls import URLPattern, path

from cadence.insights import views_ratings

urlpatterns: list[URLPattern] = [
    path("ratings/", views_ratings.ratings, name="ratings"),
]

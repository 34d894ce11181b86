"""Insights pages: fairness."""

from django.urls import URLPattern, path

from cadence.insights import views_fairness

urlpatterns: list[URLPattern] = [
    path("adverse-impact/", views_fairness.fairness, name="fairness"),
]

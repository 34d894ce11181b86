"""Insights pages: health."""

from django.urls import URLPattern, path

from cadence.insights import views_health

urlpatterns: list[URLPattern] = [
    path("health/", views_health.health, name="health"),
]

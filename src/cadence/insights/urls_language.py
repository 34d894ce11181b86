"""Insights pages: language."""

from django.urls import URLPattern, path

from cadence.insights import views_language

urlpatterns: list[URLPattern] = [
    path("language/", views_language.language, name="language"),
]

"""Routes of the reviews pages for results; included by reviews/urls.py under the
"reviews" namespace."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

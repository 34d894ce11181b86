"""Insights pages: pay."""

from django.urls import URLPattern, path

from cadence.insights import views_pay

urlpatterns: list[URLPattern] = [
    path("pay-equity/", views_pay.pay_equity, name="pay_equity"),
]

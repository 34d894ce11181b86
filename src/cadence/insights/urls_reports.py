"""Insights pages: reports (executive summary PDF, workbook of every table)."""

from django.urls import URLPattern, path

from cadence.insights import views_reports

urlpatterns: list[URLPattern] = [
    path("reports/", views_reports.reports, name="reports"),
    path("reports/summary.pdf", views_reports.summary_pdf, name="summary_pdf"),
    path("reports/workbook.xlsx", views_reports.workbook, name="workbook"),
]

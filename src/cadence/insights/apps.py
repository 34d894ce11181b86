from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "cadence.insights"
    label = "insights"
    verbose_name = "Insights and reports"

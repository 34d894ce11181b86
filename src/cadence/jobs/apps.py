from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "cadence.jobs"
    label = "jobs"
    verbose_name = "Jobs and competencies"

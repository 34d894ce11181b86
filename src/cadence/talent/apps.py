from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "cadence.talent"
    label = "talent"
    verbose_name = "Calibration and succession"

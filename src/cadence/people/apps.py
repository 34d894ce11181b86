from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "cadence.people"
    label = "people"
    verbose_name = "People and organisation"

    def ready(self) -> None:
        from cadence.core.audit import register_sensitive_fields
        from cadence.people.access import SENSITIVE_FIELDS
        from cadence.people.models import Employee

        register_sensitive_fields(Employee, SENSITIVE_FIELDS)

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "cadence.feedback"
    label = "feedback"
    verbose_name = "Feedback and 1:1s"

    def ready(self) -> None:
        # A declined request's reason is between the two people: the audit
        # row keeps it, the log pages and exports (which auditors read) hide it.
        from cadence.core.audit import register_sensitive_fields
        from cadence.feedback.models import FeedbackAsk

        register_sensitive_fields(FeedbackAsk, ("reason", "decline_reason"))

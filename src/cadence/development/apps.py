from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "cadence.development"
    label = "development"
    verbose_name = "Improvement and development plans"

    def ready(self) -> None:
        # The audit trail keeps what each change wrote (a PIP is a legal
        # record), but the log pages and exports, which auditors read, show
        # the words of a plan and of comments as hidden: only the people the
        # plan's access rule names may read them, and those reads are logged.
        from cadence.core.audit import register_sensitive_fields
        from cadence.development.models import DevelopmentComment, ImprovementPlan

        register_sensitive_fields(
            ImprovementPlan,
            (
                "concerns",
                "support",
                "expectations",
                "notes",
                "extended_reason",
                "outcome_summary",
                "cancel_reason",
                "employee_comments",
                "reason",
                "summary",
            ),
        )
        register_sensitive_fields(DevelopmentComment, ("body",))

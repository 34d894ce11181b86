"""`cadence send-reminders`: the daily reminders. Queues the check-in
reminders of every goal period running today, then each of the daily jobs
in `DAILY_JOBS`: review notifications (assigned, due soon, overdue) of every
running cycle, feedback-request reminders, the 1:1 meetings generated ahead
(and their reminders), and improvement-plan check-in reminders. Meant to run once a
day from cron or a systemd timer (`0 8 * * * cadence send-reminders`); a
worker (`cadence worker`) does the sending. Running it twice tells nobody
anything twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cadence.development.tasks_pips import send_plan_check_in_reminders
from cadence.feedback.tasks_meetings import plan_meetings
from cadence.feedback.tasks_requests import send_feedback_request_reminders
from cadence.goals.models import GoalPeriod
from cadence.goals.tasks import periods_running, send_check_in_reminders
from cadence.reviews.notifications import send_review_notifications

# (label, task): each task takes an optional `today_iso` and returns how
# many things it did (notices sent, meetings planned).
DAILY_JOBS = (
    ("Reviews", send_review_notifications),
    ("Feedback requests", send_feedback_request_reminders),
    ("1:1s", plan_meetings),
    ("Improvement plans", send_plan_check_in_reminders),
)


class Command(BaseCommand):
    help = (
        "Queue the daily reminders: goal check-ins for the periods running today (or "
        "--period ID), review notifications for the running cycles, feedback-request "
        "reminders, 1:1s generated ahead and improvement-plan check-in reminders. "
        "A `cadence worker` sends them; --now sends them in this process."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", type=int, help="only this goal period (its id)")
        parser.add_argument(
            "--now", action="store_true", help="send in this process instead of queueing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now: bool = options["now"]
        if options["period"] is not None:
            periods = list(GoalPeriod.objects.filter(pk=options["period"]))
            if not periods:
                raise CommandError(f"There is no goal period {options['period']}.")
        else:
            periods = periods_running(timezone.localdate())
        if not periods:
            self.stdout.write("No goal period is running today: no check-in reminders.")
        for period in periods:
            if now:
                count = send_check_in_reminders.call(period.pk)
                self.stdout.write(f"{period.name}: reminded {count} goal owners.")
            else:
                result = send_check_in_reminders.enqueue(period.pk)
                self.stdout.write(f"{period.name}: reminders queued (task {result.id}).")
        if options["period"] is not None:
            return
        for label, job in DAILY_JOBS:
            if now:
                self.stdout.write(f"{label}: {job.call()} done.")
            else:
                result = job.enqueue()
                self.stdout.write(f"{label}: queued (task {result.id}).")

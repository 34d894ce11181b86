"""Notifications: in-app notices and the e-mails that carry them.

Apps describe events as `Notice`s and call `notify`; each (recipient, key)
is stored once, so calling it again for the same event does nothing. The
e-mails go out after the transaction commits (`send_pending_emails`), and
any that failed are retried on the next run, because a notice counts as
e-mailed only once the mail server took it. E-mail uses Django's backend:
the console by default, SMTP when CADENCE_EMAIL_HOST is set."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cadence.core.models import Notification, User

EMAIL_BATCH = 200
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """One event for one person. `key` must name the event uniquely for
    that person (e.g. "review.due:123:2027-01-15")."""

    recipient_id: int
    kind: str
    key: str
    title: str
    body: str = ""
    url: str = ""


def notify(notices: Iterable[Notice]) -> int:
    """Store the notices that are new (by recipient and key) in bulk, and
    e-mail them once the surrounding transaction commits. Returns how many
    were new."""
    batch = list({(n.recipient_id, n.key): n for n in notices}.values())
    if not batch:
        return 0
    with transaction.atomic():
        recipients = {n.recipient_id for n in batch}
        keys = {n.key for n in batch}
        sent = set(
            Notification.objects.filter(recipient_id__in=recipients, key__in=keys).values_list(
                "recipient_id", "key"
            )
        )
        fresh = [n for n in batch if (n.recipient_id, n.key) not in sent]
        # ignore_conflicts: a second worker running the same reminders at the
        # same moment must not fail; the unique constraint keeps one.
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=n.recipient_id,
                    kind=n.kind,
                    key=n.key[:200],
                    title=n.title[:200],
                    body=n.body,
                    url=n.url[:500],
                )
                for n in fresh
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        transaction.on_commit(_send_after_commit)
    return len(fresh)


def _send_after_commit() -> None:
    # The notices are committed; a mail server that is down must not fail
    # the caller. They stay pending and go with the next run.
    try:
        send_pending_emails()
    except Exception:
        logger.exception("Sending notification e-mails failed; they will be retried.")


def _absolute(url: str) -> str:
    base = getattr(settings, "CADENCE_BASE_URL", "").rstrip("/")
    return f"{base}{url}" if url.startswith("/") and base else url


def send_pending_emails(limit: int = 5000) -> int:
    """E-mail the notices not e-mailed yet, to people still at work with an
    address. Returns how many were sent."""
    from cadence.people.models import EmploymentStatus

    pending = list(
        Notification.objects.filter(emailed_at__isnull=True)
        .exclude(recipient__status=EmploymentStatus.TERMINATED)
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("id")[:limit]
    )
    sent = 0
    connection = get_connection(fail_silently=False)
    for start in range(0, len(pending), EMAIL_BATCH):
        chunk = pending[start : start + EMAIL_BATCH]
        messages = [
            EmailMessage(
                subject=f"[Cadence] {n.title}",
                body="\n\n".join(part for part in (n.body, _absolute(n.url)) if part),
                to=[n.recipient.email],
            )
            for n in chunk
        ]
        connection.send_messages(messages)
        Notification.objects.filter(pk__in=[n.pk for n in chunk]).update(emailed_at=timezone.now())
        sent += len(chunk)
    return sent


def for_user(user: User) -> QuerySet[Notification]:
    """The signed-in person's notifications (none for a login that is not
    an employee)."""
    employee_id = getattr(getattr(user, "employee", None), "pk", None)
    if employee_id is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=employee_id)


@transaction.atomic
def mark_read(*, actor: User, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notifications read (all of them without ids)."""
    unread = for_user(actor).filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())

"""`cadence createadmin`: create (or update) an HR admin login."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from cadence.core import audit
from cadence.core.models import Role, RoleAssignment, User

PASSWORD_ENV = "CADENCE_ADMIN_PASSWORD"


@transaction.atomic
def create_admin(*, email: str, password: str) -> tuple[User, bool]:
    """Create the login `email` (or set its password and reactivate it) and
    grant it the organisation-wide HR admin role. Idempotent; audited as a
    system action. Returns the login and whether it was created."""
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email, password)
    else:
        user.set_password(password)
        user.is_active = True
        user.failed_login_count = 0
        user.locked_until = None
        user.save()
    _, granted = RoleAssignment.objects.get_or_create(
        user=user, role=Role.HR_ADMIN, department=None
    )
    audit.record(
        None,
        "user.create_admin" if created else "user.update_admin",
        user,
        after={
            "email": email,
            "role": Role.HR_ADMIN,
            "role_granted": granted,
            "password_set": True,
        },
    )
    return user, created


class Command(BaseCommand):
    help = (
        "Create or update an HR admin login. The password comes from --password, a prompt "
        f"(when run in a terminal) or the {PASSWORD_ENV} environment variable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help=f"default: prompt, or ${PASSWORD_ENV}")

    def handle(self, *args: Any, **options: Any) -> None:
        email: str = options["email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"Not a valid email address: {email!r}") from exc
        password = options["password"] or self._password_from_prompt_or_env()
        try:
            validate_password(password, user=User(email=email))
        except ValidationError as exc:
            raise CommandError("Password rejected: " + " ".join(exc.messages)) from exc
        user, created = create_admin(email=email, password=password)
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} HR admin {user.email}."))

    def _password_from_prompt_or_env(self) -> str:
        if sys.stdin.isatty():
            first = getpass.getpass("Password: ")
            if first != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords do not match.")
            return first
        password = os.environ.get(PASSWORD_ENV, "")
        if not password:
            raise CommandError(
                f"No password: pass --password, run in a terminal, or set {PASSWORD_ENV}."
            )
        return password

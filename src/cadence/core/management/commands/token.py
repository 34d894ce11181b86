"""`cadence token create EMAIL [--name N]` prints the new token alone on its
last line, for scripts; `cadence token revoke PREFIX`; `cadence token list EMAIL`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadence.core import tokens
from cadence.core.models import ApiToken, User


class Command(BaseCommand):
    help = "Create, revoke and list API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Make a token for a login and print it once.")
        create.add_argument("email")
        create.add_argument("--name", default="", help="What the token is for.")
        revoke = sub.add_parser("revoke", help="Revoke the token with this prefix.")
        revoke.add_argument("prefix")
        listing = sub.add_parser("list", help="List a login's tokens.")
        listing.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            user = _user(options["email"])
            token, raw = tokens.create_token(actor=None, user=user, name=options["name"])
            self.stdout.write(f"Token {token.prefix}… for {user.email}. It is shown only once:")
            self.stdout.write(raw)
        elif action == "revoke":
            matches = list(ApiToken.objects.filter(prefix=options["prefix"], revoked_at=None))
            if not matches:
                raise CommandError(f"No live token has the prefix {options['prefix']!r}.")
            if len(matches) > 1:
                raise CommandError("More than one live token has that prefix.")
            tokens.revoke_token(actor=None, token=matches[0])
            self.stdout.write(f"Revoked {matches[0].prefix}… ({matches[0].user.email}).")
        else:
            user = _user(options["email"])
            for token in tokens.tokens_of(user):
                state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "live"
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                self.stdout.write(
                    f"{token.prefix}\t{token.name or '-'}\t{token.created_at:%Y-%m-%d}"
                    f"\tlast used {used}\t{state}"
                )


def _user(email: str) -> User:
    try:
        return User.objects.get(email__iexact=email.strip())
    except User.DoesNotExist:
        raise CommandError(f"No login has the email {email!r}.") from None

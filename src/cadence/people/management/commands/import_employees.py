"""`cadence import-employees FILE [--map "File Header=field" ...] [--dry-run]
[--as EMAIL]`: validate a CSV or XLSX file of employees and, unless
--dry-run, apply it all or nothing. Every bad row is printed as
`line N, column "X": reason`; any error exits non-zero and changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.core.request_context import reset_request_id, set_request_id
from cadence.people.importing import (
    IMPORT_FIELDS,
    ImportFileError,
    RowError,
    apply_import,
    parse_file,
    suggest_mapping,
    validate,
)


class Command(BaseCommand):
    help = "Import (create or update) employees from a CSV or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A .csv (UTF-8) or .xlsx file; the first row is headers.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help=(
                "Map a file header to a field (overrides the suggestion); "
                f'"HEADER=" ignores the column. Fields: {", ".join(IMPORT_FIELDS)}.'
            ),
        )
        parser.add_argument("--dry-run", action="store_true", help="Validate only.")
        parser.add_argument(
            "--as", dest="as_email", default="", help="Act as this HR admin (default: system)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = _actor(options["as_email"])
        path = Path(options["file"])
        try:
            with path.open("rb") as fileobj:
                table = parse_file(fileobj, path.name)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        mapping = suggest_mapping(table.headers)
        for item in options["map"]:
            header, sep, name = item.partition("=")
            if not sep:
                raise CommandError(f'--map "{item}" must look like "File Header=field".')
            mapping[header.strip()] = name.strip()
        for header in table.headers:
            target = mapping.get(header) or "(ignored)"
            self.stdout.write(f"  {header} → {target}")

        token = set_request_id()
        try:
            if options["dry_run"]:
                plan = validate(table, mapping)
                self._fail_on(plan.errors)
                counts = plan.counts
                self.stdout.write(
                    f"Dry run, nothing saved: {counts['create']} to create, "
                    f"{counts['update']} to update, {counts['unchanged']} unchanged."
                )
                return
            try:
                result = apply_import(actor=actor, table=table, mapping=mapping, filename=path.name)
            except PermissionDenied:
                raise CommandError("Only an HR admin may import employees.") from None
            self._fail_on(result.errors)
            self.stdout.write(
                f"Imported: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged."
            )
        finally:
            reset_request_id(token)

    def _fail_on(self, errors: list[RowError]) -> None:
        if not errors:
            return
        for error in errors:
            self.stderr.write(str(error))
        rows = len({e.line for e in errors})
        raise CommandError(f"{len(errors)} error(s) on {rows} line(s); nothing was imported.")


def _actor(email: str) -> User | None:
    if not email:
        return None
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"No login has the email {email}.")
    if not viewer_for(user).is_hr_admin:
        raise CommandError(f"{user.email} is not an HR admin.")
    return user

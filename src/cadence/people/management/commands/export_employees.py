"""`cadence export-employees --format csv|xlsx --as EMAIL -o FILE`: the
employees EMAIL may see, with the fields they may see, as that person would
get them from the export page (reads are written to the access log)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadence.core.models import User
from cadence.core.request_context import reset_request_id, set_request_id
from cadence.people.exporting import FORMATS, SHEET, export_rows, write_csv, write_xlsx
from cadence.people.models import EmploymentStatus
from cadence.people.selectors import DirectoryFilters


class Command(BaseCommand):
    help = "Export the employees a login may see to CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--as", dest="as_email", required=True, help="Export as this login.")
        parser.add_argument(
            "-o", "--output", default="-", help="File to write (default: stdout, CSV only)."
        )
        parser.add_argument("--status", choices=[s.value for s in EmploymentStatus], default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["as_email"].strip()).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active login has the email {options['as_email']}.")
        fmt = options["format"]
        output = options["output"]
        if fmt == "xlsx" and output == "-":
            raise CommandError("Give -o FILE for an XLSX export.")
        rows = export_rows(user, DirectoryFilters(status=options["status"]))
        token = set_request_id()
        try:
            if output == "-":
                count = write_csv(rows, self.stdout)
            elif fmt == "csv":
                with Path(output).open("w", encoding="utf-8", newline="") as out:
                    count = write_csv(rows, out)
            else:
                with Path(output).open("wb") as binary:
                    count = write_xlsx(rows, binary, sheet=SHEET)
        finally:
            reset_request_id(token)
        if output != "-":
            self.stdout.write(f"Exported {count} employee(s) to {output}.")

"""`cadence demo`: create the demo organisation and print the demo logins."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadence.people.demo import generate_demo_organisation, logins_block, organisation_exists
from cadence.people.models import Employee


class Command(BaseCommand):
    help = (
        "Create a realistic demo organisation (departments, locations, jobs, competencies, "
        "employees in a reporting tree, two years of quarterly goals with check-ins, KPIs with "
        "a year of measurements, the last two years' closed review cycles and this year's in "
        "the manager-review stage, calibration, succession, feedback, 1:1s and development "
        "plans) and the demo logins. Same --employees and --seed, same organisation. "
        "-v 2 prints how long each part took."
    )
    # The system checks import every URL module (the API's statistics
    # libraries among them): seconds the demo does not need.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--employees", type=int, default=300, help="default: 300")
        parser.add_argument("--seed", type=int, default=1, help="default: 1")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (but print the logins) when the organisation has employees",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="run without DEBUG, and wipe an existing organisation first",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        force: bool = options["force"]
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create demo data: DEBUG is off, so this may be a real database. "
                "Set CADENCE_DEBUG=1 for a local database, or pass --force if you are sure."
            )
        if options["employees"] < 1:
            raise CommandError("--employees must be at least 1.")
        populated = organisation_exists()
        if populated and options["if_empty"]:
            self.stdout.write("The organisation already has employees; nothing to do.")
            self.stdout.write(logins_block())
            return
        if populated and not force:
            raise CommandError(
                f"The organisation already has {Employee.objects.count()} employees. "
                "Pass --force to delete the organisation (plans, feedback and 1:1s, reviews, goals "
                "and KPIs, employees, "
                "departments, locations, jobs; not the audit log) and generate it again, or "
                "--if-empty to keep it."
            )
        started = time.perf_counter()
        summary = generate_demo_organisation(
            employees=options["employees"], seed=options["seed"], wipe=populated
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created a demo organisation of {summary.employees} employees in "
                f"{summary.departments} departments and {summary.locations} locations, "
                f"{summary.job_profiles} job profiles and {summary.competencies} competencies "
                f"(reporting tree {summary.depth} levels deep; {summary.rows} rows) "
                f"in {elapsed:.1f} s."
            )
        )
        if options["verbosity"] >= 2:
            steps = ", ".join(
                f"{step} {seconds:.1f} s (CPU {summary.cpu_steps[step]:.1f} s)"
                for step, seconds in summary.steps.items()
            )
            self.stdout.write(f"Steps: {steps}.")
        self.stdout.write(logins_block())

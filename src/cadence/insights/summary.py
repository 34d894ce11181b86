"""The executive summary of a cycle (a PDF) and the workbook of every
insights table: both are built from the same `Table`s the pages show, for
the same viewer, so a number in the PDF is the number on the page.

Sections: completion, rating distribution, calibration effect, and for HR
admins (who alone see protected-attribute breakdowns) the adverse-impact
summary and the review-language themes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from cadence.core.models import User
from cadence.insights.access import NOT_ENOUGH, InsightScope
from cadence.insights.tables import Table, rounded
from cadence.reviews.models import Cycle

TEMPLATE = "insights/summary_pdf.html"


@dataclass
class Section:
    heading: str
    intro: str
    tables: list[Table] = field(default_factory=list)


@dataclass
class ExecutiveSummary:
    cycle: Cycle
    sections: list[Section]
    generated_at: dt.datetime
    min_group: int


def pick(tables: Iterable[Table], keys: Sequence[str]) -> list[Table]:
    """The tables with these keys, in this order (missing keys skipped)."""
    by_key = {table.key: table for table in tables}
    return [by_key[key] for key in keys if key in by_key]


def every_table(user: User, scope: InsightScope, cycle: Cycle) -> list[tuple[str, Table]]:
    """Every table of every insights page this viewer may see for the
    cycle, with the page it comes from (for the workbook)."""
    from cadence.insights.health import programme_health
    from cadence.insights.ratings import rating_analytics

    found: list[tuple[str, Table]] = []
    found += [("Health", t) for t in programme_health(user, scope, cycle).tables()]
    found += [("Ratings", t) for t in rating_analytics(user, scope, cycle).tables()]
    return found


def executive_summary(user: User, scope: InsightScope, cycle: Cycle) -> ExecutiveSummary:
    from cadence.insights.access import min_group_size
    from cadence.insights.health import programme_health
    from cadence.insights.ratings import rating_analytics

    health = programme_health(user, scope, cycle).tables()
    ratings = rating_analytics(user, scope, cycle).tables()
    sections = [
        Section(
            "Completion",
            "Reviews submitted out of those due, per phase, and on time.",
            pick(health, HEALTH_KEYS),
        ),
        Section(
            "Rating distribution",
            "Final ratings (after calibration) of the people in this report.",
            pick(ratings, DISTRIBUTION_KEYS),
        ),
        Section(
            "Calibration effect",
            "Ratings before calibration (the manager's, else the computed one) and after.",
            pick(ratings, CALIBRATION_KEYS),
        ),
    ]
    if scope.sees_protected:
        sections += hr_sections(user, cycle)
    return ExecutiveSummary(
        cycle=cycle,
        sections=sections,
        generated_at=timezone.localtime(),
        min_group=min_group_size(),
    )


# The keys of the page tables each section shows (see health.py and ratings.py).
HEALTH_KEYS = ("phases", "departments", "trend")
DISTRIBUTION_KEYS = ("distribution", "departments")
CALIBRATION_KEYS = ("calibration",)


def hr_sections(user: User, cycle: Cycle) -> list[Section]:
    """Adverse impact and language themes: HR admins only (the caller checks)."""
    return [
        Section(
            "Adverse impact",
            "Top-rating rates by protected group, before and after calibration. The "
            "adverse-impact page has every number behind this table.",
            [adverse_impact_table(user, cycle)],
        ),
        Section(
            "Review language",
            "Themes the language checker found in the cycle's submitted manager, peer and "
            "upward answers (counts of texts; the texts themselves are not in this report).",
            [themes_table(user, cycle)],
        ),
    ]


def adverse_impact_table(user: User, cycle: Cycle) -> Table:
    from cadence.insights.access import log_aggregate_read
    from cadence.insights.adverse_impact_summary import adverse_impact_summary
    from cadence.insights.adverse_impact_tables import summary_table
    from cadence.insights.attributes import ATTRIBUTES

    table = summary_table(adverse_impact_summary(user, cycle=cycle))
    log_aggregate_read(
        user,
        label=f"Executive summary: {cycle.name}",
        fields=list(ATTRIBUTES),
        context="insights.executive_summary",
    )
    return table


THEMES = (
    ("personality", "Personality-focused criticism"),
    ("vague", "Vague (no outcome or example)"),
    ("gender_coded", "Gender-coded words"),
)


def themes_table(user: User, cycle: Cycle) -> Table:
    from cadence.insights.language_report import language_themes

    counts = language_themes(user, cycle=cycle)
    texts = counts.get("texts", 0)
    rows: list[list[object]] = []
    for key, label in THEMES:
        if not counts:
            rows.append([label, NOT_ENOUGH, NOT_ENOUGH])
            continue
        flagged = counts.get(key, 0)
        rows.append([label, flagged, rounded(100 * flagged / texts) if texts else None])
    return Table(
        key="themes",
        title=f"Language themes over {texts:,} texts" if counts else "Language themes",
        header=["Theme", "Texts flagged", "Share of texts (%)"],
        rows=rows,
    )


def summary_filename(cycle: Cycle) -> str:
    return f"executive-summary-{slugify(cycle.name) or cycle.pk}.pdf"


def render_summary_html(summary: ExecutiveSummary) -> str:
    return render_to_string(TEMPLATE, {"summary": summary})

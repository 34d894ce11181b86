"""An improvement plan as a PDF: the record a manager, HR or the employee
files or prints — concerns, expectations with their success criteria and
progress, support, the check-in schedule and log, the acknowledgement and
the outcome. The HTML template development/pips/plan_pdf.html is rendered
from `selectors_pips.plan_record` (what the plan page shows) and turned
into a PDF by `cadence.core.pdf`, which loads WeasyPrint lazily and
fetches nothing. The caller has checked that the viewer may read the plan
and writes the read to the access log."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from cadence.development.models import ImprovementPlan
from cadence.development.selectors_pips import PlanRecord, plan_record

TEMPLATE = "development/pips/plan_pdf.html"


@dataclass(frozen=True)
class PlanPdf:
    record: PlanRecord
    html: str
    filename: str


def plan_filename(plan: ImprovementPlan) -> str:
    """e.g. "improvement-plan-12-emma-employee.pdf"."""
    person = slugify(plan.employee.full_name)
    return f"improvement-plan-{plan.pk}{'-' + person if person else ''}.pdf"


def render_plan_html(plan: ImprovementPlan) -> PlanPdf:
    """The plan's printable HTML and file name."""
    record = plan_record(plan)
    html = render_to_string(
        TEMPLATE, {"plan": plan, "record": record, "generated_at": timezone.localtime()}
    )
    return PlanPdf(record=record, html=html, filename=plan_filename(plan))

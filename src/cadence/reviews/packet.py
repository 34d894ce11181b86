"""The review packet: one result as one viewer may read it, as a printable
PDF (issue 4: "a review packet per employee per cycle as PDF").

The packet is the HTML template reviews/results/packet.html rendered from
exactly what `disclosure.disclose(result, viewer)` returns — no rule of
its own — and turned into a PDF by `cadence.core.pdf` (WeasyPrint, loaded
only when a PDF is made).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from cadence.core.models import User
from cadence.reviews.disclosure import ResultView, disclose
from cadence.reviews.models import ReviewResult

TEMPLATE = "reviews/results/packet.html"


@dataclass(frozen=True)
class Packet:
    """What the viewer reads, the HTML made of it and the file name."""

    view: ResultView
    html: str
    filename: str


def packet_filename(view: ResultView) -> str:
    """e.g. "review-2026-h1-lee-lead.pdf" (ids when a name slugs to nothing)."""
    cycle = slugify(view.cycle_name) or f"cycle-{view.cycle_id}"
    person = slugify(view.employee.name) or f"result-{view.id}"
    return f"review-{cycle}-{person}.pdf"


def render_packet_html(result: ReviewResult, user: User) -> Packet:
    """The packet's HTML for `user`. The caller has checked that `user` may
    see `result` (ReviewResult.objects.visible_to); what they read inside
    it is `disclose`'s alone, so the PDF can never show more than the page."""
    view = disclose(result, user)
    html = render_to_string(TEMPLATE, {"view": view, "generated_on": timezone.localdate()})
    return Packet(view=view, html=html, filename=packet_filename(view))

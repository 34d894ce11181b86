"""Read a rendered form back into the data a browser would post, so page
tests submit exactly what the page shows (and a field the template forgot
to render is missed, as it would be in a browser)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from cadence.reviews.models import (
    AnswerAudience,
    QuestionKind,
    ReviewerKind,
    ReviewTemplate,
    SectionKind,
)
from tests.review_factories import (
    QuestionFactory,
    ReviewTemplateFactory,
    TemplateSectionFactory,
    five_point_scale,
)

SKIPPED_INPUTS = {"submit", "button", "image", "file", "reset"}


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
            elif kind not in SKIPPED_INPUTS:
                self._add(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _ in self._options[:1]
            ]
            for value in chosen:
                self._add(self._select, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea, self._text.removeprefix("\n"))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data


def form_data(response: Any, form_id: str) -> dict[str, Any]:
    """What submitting the form `form_id` of `response` would post."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    assert reader.data, f"no form #{form_id} in the page"
    return {k: v if len(v) > 1 else v[0] for k, v in reader.data.items()}


ALL_KINDS = list(ReviewerKind.values)


def mixed_template(name: str = "Annual review", **kwargs: Any) -> ReviewTemplate:
    """Goals for self and manager; a questions section whose questions go
    to different kinds: a rating for everyone, a text question for peers
    only (HR reads it), a choice question for upward reviewers."""
    template = ReviewTemplateFactory(name=name, rating_scale=five_point_scale(), **kwargs)
    TemplateSectionFactory(
        template=template,
        kind=SectionKind.GOALS,
        title="Goals",
        weight=3,
        position=0,
        reviewer_kinds=[ReviewerKind.SELF, ReviewerKind.MANAGER],
    )
    questions = TemplateSectionFactory(
        template=template, title="How it went", weight=1, position=1, reviewer_kinds=ALL_KINDS
    )
    QuestionFactory(section=questions, kind=QuestionKind.RATING, text="Overall rating?", position=0)
    QuestionFactory(
        section=questions,
        kind=QuestionKind.TEXT,
        text="What should they keep doing?",
        word_limit=200,
        reviewer_kinds=[ReviewerKind.PEER],
        audience=AnswerAudience.HR,
        position=1,
    )
    QuestionFactory(
        section=questions,
        kind=QuestionKind.CHOICE,
        text="How often do you meet?",
        choices=["Weekly", "Monthly"],
        reviewer_kinds=[ReviewerKind.UPWARD],
        position=2,
    )
    return template

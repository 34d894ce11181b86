"""The review form writes its radio buttons and text areas in Python
(forms_writing.ReviewWidgetRenderer) for speed: the markup must be exactly
what Django's widget templates write, in every state a field can be in
(empty, answered, read-only, with errors, with text that needs escaping)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.forms.renderers import DjangoTemplates

from cadence.reviews.form_items import FormItem, ItemSource, ScaleLevel
from cadence.reviews.forms_writing import ReviewAnswersForm, ReviewWidgetRenderer
from cadence.reviews.models import QuestionKind

LEVELS = (
    ScaleLevel(Decimal("1"), "Low"),
    ScaleLevel(Decimal("2.5"), 'Middle <"&">'),
    ScaleLevel(Decimal("3"), "High"),
)
TRICKY = "Fine <b>work</b> & \"more\" 'quoted'\nsecond line"


def _item(key: str, kind: str, **extra: Any) -> FormItem:
    values: dict[str, Any] = {
        "key": key,
        "source": ItemSource.QUESTION,
        "kind": kind,
        "section_id": 1,
        "section_title": "Section",
        "section_kind": "questions",
        "section_weight": Decimal("1"),
        "label": f"Label of {key}",
        "help_text": "",
        "required": True,
        "audience": "reviewee",
        "reviewer_kinds": ("manager",),
        **extra,
    }
    return FormItem(**values)


ITEMS = [
    _item("q1", QuestionKind.RATING, levels=LEVELS, allow_unable_to_rate=True),
    _item("q2", QuestionKind.RATING, levels=LEVELS),
    _item("q3", QuestionKind.CHOICE, choices=("Yes", "No <maybe>")),
    _item("q4", QuestionKind.TEXT, word_limit=50),
    _item("q5", QuestionKind.TEXT),
]
ANSWERS: dict[str, dict[str, Any]] = {
    "q1": {"rating": Decimal("2.5"), "text": TRICKY},
    "q2": {"unable_to_rate": True},
    "q3": {"choice": "No <maybe>"},
    "q4": {"text": TRICKY},
}


def _markup(form: ReviewAnswersForm) -> list[str]:
    """Every field as the page writes it: each radio button on its own
    (`radio.tag`), text areas whole."""
    written: list[str] = []
    for name in form.fields:
        bound = form[name]
        if bound.widget_type == "radioselect":
            written.extend(str(radio.tag()) for radio in bound)
        else:
            written.append(str(bound))
    return written


def _both(**kwargs: Any) -> tuple[list[str], list[str]]:
    """The same form written by the review renderer and by Django's."""
    fast = ReviewAnswersForm(items=ITEMS, version=3, **kwargs)
    slow = ReviewAnswersForm(items=ITEMS, version=3, **kwargs)
    slow.renderer = DjangoTemplates()
    assert isinstance(fast.renderer, ReviewWidgetRenderer)
    return _markup(fast), _markup(slow)


@pytest.mark.parametrize("read_only", [False, True])
@pytest.mark.parametrize("answers", [{}, ANSWERS])
def test_fields_are_written_as_django_writes_them(
    answers: dict[str, dict[str, Any]], read_only: bool
) -> None:
    fast, slow = _both(answers=answers, read_only=read_only)
    assert fast == slow
    assert any("checked" in html for html in fast) == bool(answers)
    assert all("disabled" in html for html in fast if "<input" in html) == read_only


def test_posted_fields_with_errors_are_written_as_django_writes_them() -> None:
    data = {"version": "3", "q1": "7", "q3": "Perhaps", "q4": TRICKY, "q1-comment": TRICKY}
    fast_form = ReviewAnswersForm(data, items=ITEMS, answers={}, version=3)
    slow_form = ReviewAnswersForm(data, items=ITEMS, answers={}, version=3)
    slow_form.renderer = DjangoTemplates()
    assert not fast_form.is_valid() and not slow_form.is_valid()
    fast, slow = _markup(fast_form), _markup(slow_form)
    assert fast == slow
    assert any("is-invalid" in html for html in fast)
    assert any("&lt;b&gt;work&lt;/b&gt; &amp; &quot;more&quot;" in html for html in fast)

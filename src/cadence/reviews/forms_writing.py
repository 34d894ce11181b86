"""Forms for writing reviews. They parse input only: the review form turns
posted fields into the answers `services_writing.save_answers` takes, and
the service's errors (keyed by item) are put back on the fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

from cadence.core.ids import parse_id
from cadence.core.numbers import plain_number
from cadence.people.forms import BootstrapFormMixin
from cadence.reviews.form_items import FormItem
from cadence.reviews.models import QuestionKind
from cadence.reviews.services_writing import MAX_TEXT_CHARS

UNABLE = "unable"
COMMENT_SUFFIX = "-comment"


def _text(value: Any) -> str:
    """A value as a widget template writes it (`{{ value|stringformat:'s' }}`):
    as text, escaped unless it was already safe."""
    text = str(value)
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)


def _attributes(attrs: Mapping[str, Any]) -> str:
    """Django's django/forms/widgets/attrs.html, in Python."""
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{_text(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


class ReviewWidgetRenderer(DjangoTemplates):
    """Writes the review form's radio buttons and text areas in Python,
    character for character as Django's widget templates do: a review of
    twenty ratings has over a hundred of them, and rendering each through
    its template (and the two it includes) was most of the page's time.
    Any other widget goes through its template as usual."""

    RADIO = "django/forms/widgets/radio_option.html"
    TEXTAREA = "django/forms/widgets/textarea.html"

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if template_name == self.RADIO and widget is not None and not widget.get("wrap_label"):
            value = widget["value"]
            return SafeString(
                f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
                + ("" if value is None else f' value="{_text(value)}"')
                + f"{_attributes(widget['attrs'])}>"
            )
        if template_name == self.TEXTAREA and widget is not None:
            value = widget["value"]
            return SafeString(
                f'<textarea name="{_text(widget["name"])}"{_attributes(widget["attrs"])}>\n'
                f"{_text(value) if value else ''}</textarea>"
            )
        return super().render(template_name, context, request)


def _radio() -> forms.RadioSelect:
    return forms.RadioSelect(attrs={"class": "form-check-input"})


class ReviewAnswersForm(BootstrapFormMixin, forms.Form):
    """One field per item, named by the item key: a rating is a radio group
    of the scale's levels (plus "unable to rate" when allowed) with an
    optional comment ("<key>-comment"); a choice is a radio group; text is
    a text area. Every field is optional here: what is required is checked
    when the review is submitted, not on every autosave."""

    default_renderer = ReviewWidgetRenderer()
    version = forms.IntegerField(widget=forms.HiddenInput(attrs={"id": "review-version"}))

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        items: list[FormItem],
        answers: Mapping[str, Mapping[str, Any]],
        version: int,
        read_only: bool = False,
    ) -> None:
        super().__init__(data, initial={"version": version})
        self.items = items
        for item in items:
            stored = answers.get(item.key, {})
            described = f"help-{item.key} error-{item.key}"
            if item.kind == QuestionKind.RATING:
                choices = [(level.key, f"{level.key} · {level.label}") for level in item.levels]
                if item.allow_unable_to_rate:
                    choices.append((UNABLE, "Unable to rate"))
                initial = (
                    UNABLE if stored.get("unable_to_rate") else plain_number(stored.get("rating"))
                )
                self.fields[item.key] = forms.ChoiceField(
                    label=item.label, choices=choices, required=False, widget=_radio()
                )
                self.fields[item.key + COMMENT_SUFFIX] = forms.CharField(
                    label="Comment (optional)",
                    required=False,
                    max_length=MAX_TEXT_CHARS,
                    widget=forms.Textarea(attrs={"rows": 2, "aria-describedby": described}),
                    initial=stored.get("text", ""),
                )
            elif item.kind == QuestionKind.CHOICE:
                self.fields[item.key] = forms.ChoiceField(
                    label=item.label,
                    choices=[(c, c) for c in item.choices],
                    required=False,
                    widget=_radio(),
                )
                initial = stored.get("choice", "")
            else:
                attrs: dict[str, Any] = {"rows": 5, "aria-describedby": described}
                if item.word_limit:
                    attrs["data-word-limit"] = item.word_limit
                self.fields[item.key] = forms.CharField(
                    label=item.label,
                    required=False,
                    max_length=MAX_TEXT_CHARS,
                    widget=forms.Textarea(attrs=attrs),
                )
                initial = stored.get("text", "")
            self.fields[item.key].initial = initial
        if read_only:
            for f in self.fields.values():
                f.disabled = True
        self.style_fields()

    @staticmethod
    def data_from(
        items: list[FormItem], answers: Mapping[str, Mapping[str, Any]], version: int
    ) -> dict[str, Any]:
        """Stored answers in the shape the form posts (to show them bound)."""
        data: dict[str, Any] = {"version": str(version)}
        for item in items:
            stored = answers.get(item.key, {})
            if item.kind == QuestionKind.RATING:
                data[item.key] = (
                    UNABLE if stored.get("unable_to_rate") else plain_number(stored.get("rating"))
                )
                data[item.key + COMMENT_SUFFIX] = stored.get("text", "")
            elif item.kind == QuestionKind.CHOICE:
                data[item.key] = stored.get("choice", "")
            else:
                data[item.key] = stored.get("text", "")
        return data

    def answers(self) -> dict[str, dict[str, Any]]:
        """The posted values as `save_answers` takes them: every item, so a
        cleared field clears its answer."""
        data = self.cleaned_data
        result: dict[str, dict[str, Any]] = {}
        for item in self.items:
            value = data.get(item.key) or ""
            if item.kind == QuestionKind.RATING:
                unable = value == UNABLE
                result[item.key] = {
                    "rating": None if unable or not value else value,
                    "unable_to_rate": unable,
                    "text": data.get(item.key + COMMENT_SUFFIX) or "",
                }
            elif item.kind == QuestionKind.CHOICE:
                result[item.key] = {"choice": value}
            else:
                result[item.key] = {"text": value}
        return result

    def apply_service_errors(self, error: ValidationError) -> bool:
        """Put a service error on the fields; True when it was a stale version."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return False
        stale = False
        for name, messages in error.message_dict.items():
            if name == "version":
                stale = True
                self.add_error(None, messages)
            elif name in self.fields and name != NON_FIELD_ERRORS:
                self.add_error(name, messages)
            else:
                self.add_error(None, messages)
        return stale

    def item_errors(self) -> dict[str, list[str]]:
        """Errors by item key (a comment's errors shown with its rating)."""
        found: dict[str, list[str]] = {}
        for name, messages in self.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            key = name.removesuffix(COMMENT_SUFFIX)
            found.setdefault(key, []).extend(messages)
        return found


def posted_peer_ids(values: list[str]) -> list[int]:
    """The peer ids of a nomination form, in order, without repeats; values
    that are not ids are dropped (the service reports unknown people)."""
    ids = [parse_id(v) for v in values]
    return list(dict.fromkeys(i for i in ids if i is not None))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])

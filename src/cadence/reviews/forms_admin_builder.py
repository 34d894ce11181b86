"""The template builder's forms: the template's own fields, one form per
section and per question, and `TemplateBuilder`, which reads them from a
post (or from `selectors_admin.template_values`), applies the add, remove
and move buttons, hands the service its input and puts the service's
errors (`sections.<i>.questions.<j>.<field>`) back on the right field.

Posted field names: the template's own (`name`, `rating_scale`, …),
`section_count`, per section `s<i>-<field>` and `s<i>-question_count`,
per question `s<i>-q<j>-<field>`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict

from cadence.core.formrows import move_row, parse_op, posted_count, posted_values
from cadence.core.numbers import plain_number
from cadence.people.forms import BootstrapFormMixin, apply_service_errors
from cadence.reviews.forms_admin import reviewer_kinds_widget
from cadence.reviews.models import (
    AnswerAudience,
    QuestionKind,
    RatingScale,
    ReviewerKind,
    SectionKind,
    default_reviewer_kinds,
)
from cadence.reviews.selectors_admin import shares
from cadence.reviews.services_admin import MAX_QUESTIONS, MAX_SECTIONS

SHORT_TITLES = {
    SectionKind.GOALS: "Goals",
    SectionKind.COMPETENCIES: "Competencies",
    SectionKind.QUESTIONS: "Questions",
}


class TemplateForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=150)
    rating_scale = forms.ModelChoiceField(queryset=RatingScale.objects.none(), empty_label=None)
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the template is for; reviewers do not see it.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, scales: QuerySet[RatingScale], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scale_field = self.fields["rating_scale"]
        assert isinstance(scale_field, forms.ModelChoiceField)
        scale_field.queryset = scales


class SectionForm(BootstrapFormMixin, forms.Form):
    """One section. Who rates it and who reads the ratings apply to goals
    and competencies sections; a questions section's questions say."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(choices=SectionKind.choices)
    title = forms.CharField(required=False, max_length=150)
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown to reviewers above the section.",
    )
    weight = forms.DecimalField(required=False, max_digits=6, decimal_places=2)
    reviewer_kinds = forms.MultipleChoiceField(
        label="Who rates it",
        required=False,
        choices=ReviewerKind.choices,
        widget=reviewer_kinds_widget(),
    )
    # Not shown for a questions section (its questions say), so not required.
    audience = forms.ChoiceField(
        label="Who reads the ratings", required=False, choices=AnswerAudience.choices
    )


class QuestionForm(BootstrapFormMixin, forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label="Answer", choices=QuestionKind.choices)
    text = forms.CharField(label="Question", required=False, max_length=500)
    help_text = forms.CharField(label="Guidance", required=False)
    required = forms.BooleanField(label="Required", required=False)
    word_limit = forms.IntegerField(
        label="Word limit", required=False, min_value=1, help_text="Text answers only."
    )
    choices = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Multiple choice only: one choice per line.",
    )
    reviewer_kinds = forms.MultipleChoiceField(
        label="Who answers",
        required=False,
        choices=ReviewerKind.choices,
        widget=reviewer_kinds_widget(),
    )
    audience = forms.ChoiceField(label="Who reads the answers", choices=AnswerAudience.choices)


@dataclass
class QuestionRow:
    form: QuestionForm
    index: int
    focus: str = ""


@dataclass
class SectionRow:
    form: SectionForm
    index: int
    questions: list[QuestionRow]
    share: str = ""
    errors: list[str] = field(default_factory=list)
    focus: str = ""

    @property
    def kind(self) -> str:
        value = self.form["kind"].value()
        return str(value or "")

    @property
    def is_questions(self) -> bool:
        return self.kind == SectionKind.QUESTIONS


RawSection = dict[str, Any]


def _section_prefix(i: int) -> str:
    return f"s{i}"


def _question_prefix(i: int, j: int) -> str:
    return f"s{i}-q{j}"


def _new_question() -> dict[str, Any]:
    return {
        "kind": QuestionKind.RATING.value,
        "required": True,
        "reviewer_kinds": default_reviewer_kinds(),
        "audience": AnswerAudience.REVIEWEE.value,
    }


def _new_section(kind: str) -> RawSection:
    if kind not in SectionKind.values:
        kind = SectionKind.QUESTIONS.value
    return {
        "fields": {
            "kind": kind,
            "title": SHORT_TITLES[SectionKind(kind)],
            "weight": "1",
            "reviewer_kinds": default_reviewer_kinds(),
            "audience": AnswerAudience.REVIEWEE.value,
        },
        "questions": [_new_question()] if kind == SectionKind.QUESTIONS else [],
    }


class TemplateBuilder:
    """The template form and its sections, each with its questions.

    Posted field names: the template's own (`name`, `rating_scale`, …),
    `section_count`, and per section `s<i>-<field>` with
    `s<i>-question_count`, per question `s<i>-q<j>-<field>`. `op` names
    the button pressed: "save" (the default), "add_section" (of the kind
    in `new_section_kind`), "remove_section-<i>", "up_section-<i>",
    "down_section-<i>", "add_question-<i>", "remove_question-<i>-<j>",
    "up_question-<i>-<j>", "down_question-<i>-<j>"."""

    def __init__(
        self,
        *,
        scales: QuerySet[RatingScale],
        data: QueryDict | None = None,
        values: dict[str, Any] | None = None,
        version: int | None = None,
    ) -> None:
        self.section_errors: list[str] = []
        self.focus = ""
        self.op, i, j = parse_op(data.get("op") if data is not None else None)
        if data is None:
            head, raw = self._from_values(values, version)
            self.form = TemplateForm(initial=head, scales=scales)
            self.sections = self._rows(raw, data=None)
        elif self.op == "save":
            raw = self._read(data)
            self.form = TemplateForm(data, scales=scales)
            self.sections = self._rows(raw, data=data)
        else:
            raw = self._read(data)
            self._apply(raw, data, i, j)
            self.form = TemplateForm(
                initial=posted_values(TemplateForm(scales=scales), data), scales=scales
            )
            self.sections = self._rows(raw, data=None)

    # -- reading -----------------------------------------------------------------------

    @staticmethod
    def _from_values(
        values: dict[str, Any] | None, version: int | None
    ) -> tuple[dict[str, Any], list[RawSection]]:
        """Initial rows from `selectors_admin.template_values` (or blank)."""
        if values is None:
            return {}, []
        head = {
            "name": values["name"],
            "description": values["description"],
            "rating_scale": values["rating_scale"].pk,
            "version": version,
        }
        sections = [
            {
                "fields": {
                    **{k: s[k] for k in ("id", "kind", "title", "description", "audience")},
                    "weight": plain_number(s["weight"]),
                    "reviewer_kinds": s["reviewer_kinds"],
                },
                "questions": [
                    {**q, "choices": "\n".join(q["choices"]), "word_limit": q["word_limit"]}
                    for q in s["questions"]
                ],
            }
            for s in values["sections"]
        ]
        return head, sections

    @staticmethod
    def _read(data: QueryDict) -> list[RawSection]:
        sections = []
        for i in range(posted_count(data, "section_count", MAX_SECTIONS)):
            count = posted_count(data, f"{_section_prefix(i)}-question_count", MAX_QUESTIONS)
            sections.append(
                {
                    "fields": posted_values(SectionForm(prefix=_section_prefix(i)), data),
                    "questions": [
                        posted_values(QuestionForm(prefix=_question_prefix(i, j)), data)
                        for j in range(count)
                    ],
                }
            )
        return sections

    def _apply(self, raw: list[RawSection], data: QueryDict, i: int | None, j: int | None) -> None:
        """Change the rows as the pressed button says; remember what to
        focus next so keyboard users stay where they were."""
        op = self.op
        if op == "add_section" and len(raw) < MAX_SECTIONS:
            raw.append(_new_section(str(data.get("new_section_kind", ""))))
            self.focus = f"s{len(raw) - 1}:title"
            return
        if i is None or not 0 <= i < len(raw):
            return
        if op == "remove_section":
            del raw[i]
            self.focus = "add-section"
        elif op in ("up_section", "down_section"):
            moved = move_row(raw, i, -1 if op == "up_section" else 1)
            self.focus = f"s{moved}:{'up' if op == 'up_section' else 'down'}"
        elif op == "add_question" and len(raw[i]["questions"]) < MAX_QUESTIONS:
            raw[i]["questions"].append(_new_question())
            self.focus = f"s{i}-q{len(raw[i]['questions']) - 1}:text"
        elif j is not None and 0 <= j < len(raw[i]["questions"]):
            questions = raw[i]["questions"]
            if op == "remove_question":
                del questions[j]
                self.focus = f"s{i}:add_question"
            elif op in ("up_question", "down_question"):
                moved = move_row(questions, j, -1 if op == "up_question" else 1)
                self.focus = f"s{i}-q{moved}:{'up' if op == 'up_question' else 'down'}"

    def _rows(self, raw: list[RawSection], data: QueryDict | None) -> list[SectionRow]:
        weights = []
        for section in raw:
            try:
                weight = Decimal(str(section["fields"].get("weight") or 0))
            except InvalidOperation:
                weight = Decimal(0)
            weights.append(weight if weight.is_finite() and weight >= 0 else Decimal(0))
        rows = []
        for i, (section, share) in enumerate(zip(raw, shares(weights), strict=True)):
            prefix = _section_prefix(i)
            if data is not None:
                form = SectionForm(data, prefix=prefix)
            else:
                form = SectionForm(initial=section["fields"], prefix=prefix)
            questions = []
            for j, question in enumerate(section["questions"]):
                qprefix = _question_prefix(i, j)
                qform = (
                    QuestionForm(data, prefix=qprefix)
                    if data is not None
                    else QuestionForm(initial=question, prefix=qprefix)
                )
                questions.append(QuestionRow(form=qform, index=j, focus=self._focus_of(qprefix)))
            row = SectionRow(
                form=form,
                index=i,
                questions=questions,
                share="" if share is None else f"{plain_number(share)} %",
                focus=self._focus_of(prefix),
            )
            rows.append(row)
        self._autofocus(rows)
        return rows

    def _focus_of(self, prefix: str) -> str:
        target, _, control = self.focus.partition(":")
        return control if target == prefix else ""

    @staticmethod
    def _autofocus(rows: list[SectionRow]) -> None:
        for row in rows:
            if row.focus == "title":
                row.form.fields["title"].widget.attrs["autofocus"] = True
            for question in row.questions:
                if question.focus == "text":
                    question.form.fields["text"].widget.attrs["autofocus"] = True

    # -- saving ------------------------------------------------------------------------

    @property
    def saving(self) -> bool:
        return self.op == "save"

    def is_valid(self) -> bool:
        forms_ = [self.form, *self._all_forms()]
        return self.saving and all([f.is_valid() for f in forms_])

    def _all_forms(self) -> list[forms.Form]:
        found: list[forms.Form] = []
        for row in self.sections:
            found.append(row.form)
            found.extend(q.form for q in row.questions)
        return found

    @property
    def version(self) -> int | None:
        version: int | None = self.form.cleaned_data.get("version")
        return version

    def values(self) -> dict[str, Any]:
        """What `services_admin.save_template` takes (after `is_valid`)."""
        sections = []
        for row in self.sections:
            data = row.form.cleaned_data
            sections.append(
                {
                    "id": data["id"],
                    "kind": data["kind"],
                    "title": data["title"],
                    "description": data["description"],
                    "weight": data["weight"],
                    "reviewer_kinds": data["reviewer_kinds"],
                    "audience": data["audience"],
                    "questions": [
                        self._question_values(q.form.cleaned_data) for q in row.questions
                    ],
                }
            )
        head = self.form.cleaned_data
        return {
            "name": head["name"],
            "description": head["description"],
            "rating_scale": head["rating_scale"],
            "sections": sections,
        }

    @staticmethod
    def _question_values(data: dict[str, Any]) -> dict[str, Any]:
        choices = [line.strip() for line in data["choices"].splitlines() if line.strip()]
        return {**data, "choices": choices}

    def apply_service_errors(self, error: ValidationError) -> None:
        """Each message where it belongs: `sections.<i>.<field>` on that
        section's field, `sections.<i>.questions.<j>.<field>` on that
        question's, `sections` above the sections, the rest on the form."""
        if not hasattr(error, "error_dict"):
            apply_service_errors(self.form, error)
            return
        rest: dict[str, list[str]] = {}
        for path, messages in error.message_dict.items():
            if not self._place(path.split("."), messages):
                rest[path] = messages
        if rest:
            apply_service_errors(self.form, ValidationError(rest))

    def _place(self, parts: list[str], messages: list[str]) -> bool:
        if parts[0] != "sections":
            return False
        if len(parts) == 1 or not parts[1].isdigit() or int(parts[1]) >= len(self.sections):
            self.section_errors.extend(messages)
            return True
        row = self.sections[int(parts[1])]
        if len(parts) == 2:
            row.form.add_error(None, messages)
        elif parts[2] == "questions":
            if len(parts) == 3 or not parts[3].isdigit() or int(parts[3]) >= len(row.questions):
                row.errors.extend(messages)
                return True
            qform = row.questions[int(parts[3])].form
            qform.add_error(_visible_field(qform, parts[4] if len(parts) > 4 else None), messages)
        else:
            row.form.add_error(_visible_field(row.form, parts[2]), messages)
        return True

    @property
    def has_errors(self) -> bool:
        if not self.saving:
            return False
        return bool(
            self.form.errors
            or self.section_errors
            or any(row.errors for row in self.sections)
            or any(f.errors for f in self._all_forms())
        )


def _visible_field(form: forms.Form, name: str | None) -> str | None:
    """`name` when the form shows that field; None (the row's own errors)
    for a hidden or unknown one."""
    if name is None or name not in form.fields or form.fields[name].widget.is_hidden:
        return None
    return name

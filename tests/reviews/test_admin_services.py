"""Rating scales and review templates: every validation rule (with its
field path), the lock while a launched cycle uses them, stale edits,
copies, archiving, audit rows and who may write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from cadence.core.models import AuditEntry, User
from cadence.reviews import selectors_admin as selectors
from cadence.reviews import services_admin as services
from cadence.reviews.models import (
    Question,
    RatingLevel,
    RatingScale,
    ReviewTemplate,
    Stage,
    TemplateSection,
)
from tests.conftest import Org
from tests.review_factories import CycleFactory, five_point_scale, simple_template

pytestmark = pytest.mark.django_db

LEVELS = [
    {"value": 1, "label": "Below", "description": "Misses most goals."},
    {"value": 2, "label": "Meets", "description": ""},
    {"value": 3, "label": "Above", "description": ""},
]


def question(**kwargs: Any) -> dict[str, Any]:
    return {"kind": "rating", "text": "Overall?", "reviewer_kinds": ["self", "manager"], **kwargs}


def questions_section(*questions: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return {
        "kind": "questions",
        "title": "Questions",
        "weight": 1,
        "questions": list(questions) or [question()],
        **kwargs,
    }


def goals_section(**kwargs: Any) -> dict[str, Any]:
    return {"kind": "goals", "title": "Goals", "weight": 2, "reviewer_kinds": ["self"], **kwargs}


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def make_scale(actor: User, **kwargs: Any) -> RatingScale:
    values = {"name": "Three-point", "levels": LEVELS, **kwargs}
    return services.save_scale(actor=actor, **values)


def make_template(actor: User, **kwargs: Any) -> ReviewTemplate:
    values = {
        "name": "Annual",
        "rating_scale": five_point_scale(),
        "sections": [goals_section(), questions_section()],
        **kwargs,
    }
    return services.save_template(actor=actor, **values)


def template_errors(actor: User, sections: list[dict[str, Any]]) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as excinfo:
        make_template(actor, sections=sections)
    return errors_of(excinfo)


def launched_cycle(template: ReviewTemplate, name: str = "2026 annual") -> None:
    CycleFactory(name=name, template=template, stage=Stage.SELF_REVIEW)


# --- rating scales ----------------------------------------------------------------------


def test_hr_admin_creates_a_scale_with_an_audit_row(org: Org) -> None:
    scale = make_scale(org.hr_admin, description="Simple", allow_unable_to_rate=False)
    assert [(lv.value, lv.label) for lv in scale.levels.order_by("value")] == [
        (Decimal(1), "Below"),
        (Decimal(2), "Meets"),
        (Decimal(3), "Above"),
    ]
    assert not scale.allow_unable_to_rate and scale.version == 1
    entry = AuditEntry.objects.get(action="rating_scale.create", object_id=str(scale.pk))
    assert entry.actor == org.hr_admin and entry.before == {}
    assert entry.after["levels"][0] == {
        "value": "1",
        "label": "Below",
        "description": "Misses most goals.",
    }


@pytest.mark.parametrize(
    ("levels", "path", "message"),
    [
        ([LEVELS[0]], "levels", "at least 2 levels"),
        ([], "levels", "at least 2 levels"),
        (
            [*LEVELS, {"value": 2, "label": "Again"}],
            "levels.3.value",
            "Another level has the value 2",
        ),
        ([{"value": -1, "label": "Low"}, LEVELS[1]], "levels.0.value", "0 or more"),
        ([{"value": "1.005", "label": "Low"}, LEVELS[1]], "levels.0.value", "two decimals"),
        ([{"value": "x", "label": "Low"}, LEVELS[1]], "levels.0.value", "Enter a number"),
        ([{"value": 0, "label": "  "}, LEVELS[1]], "levels.0.label", "Give the level a label"),
    ],
)
def test_scale_level_rules(org: Org, levels: list[Any], path: str, message: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        make_scale(org.hr_admin, levels=levels)
    assert message in " ".join(errors_of(excinfo)[path])
    assert not RatingScale.objects.exists()


def test_zero_is_a_valid_level_value(org: Org) -> None:
    scale = make_scale(org.hr_admin, levels=[{"value": 0, "label": "None"}, LEVELS[0]])
    assert scale.levels.count() == 2


def test_scale_names_are_unique_whatever_the_case(org: Org) -> None:
    make_scale(org.hr_admin)
    with pytest.raises(ValidationError) as excinfo:
        make_scale(org.hr_admin, name="three-POINT")
    assert "already called" in errors_of(excinfo)["name"][0]


def test_levels_are_replaced_as_a_set_matched_by_value(org: Org) -> None:
    scale = make_scale(org.hr_admin)
    kept = scale.levels.get(value=2)
    services.save_scale(
        actor=org.hr_admin,
        scale=scale,
        expected_version=1,
        name="Three-point",
        levels=[
            {"value": 2, "label": "Solid", "description": "Reworded"},
            {"value": 3, "label": "Above"},
            {"value": 4, "label": "Far above"},
        ],
    )
    levels = {lv.value: lv for lv in RatingLevel.objects.filter(scale=scale)}
    assert set(levels) == {Decimal(2), Decimal(3), Decimal(4)}
    assert levels[Decimal(2)].pk == kept.pk and levels[Decimal(2)].label == "Solid"
    scale.refresh_from_db()
    assert scale.version == 2
    entry = AuditEntry.objects.get(action="rating_scale.update", object_id=str(scale.pk))
    assert [lv["value"] for lv in entry.before["levels"]] == ["1", "2", "3"]
    assert [lv["value"] for lv in entry.after["levels"]] == ["2", "3", "4"]
    assert "name" not in entry.after  # only what changed


def test_saving_an_unchanged_scale_changes_nothing(org: Org) -> None:
    scale = make_scale(org.hr_admin)
    again = services.save_scale(actor=org.hr_admin, scale=scale, **selectors.scale_values(scale))
    assert again.version == 1
    assert not AuditEntry.objects.filter(action="rating_scale.update").exists()


def test_stale_scale_edit_is_refused(org: Org) -> None:
    scale = make_scale(org.hr_admin)
    services.save_scale(
        actor=org.hr_admin, scale=scale, expected_version=1, name="A", levels=LEVELS
    )
    with pytest.raises(ValidationError) as excinfo:
        services.save_scale(
            actor=org.hr_admin, scale=scale, expected_version=1, name="B", levels=LEVELS
        )
    assert "changed by someone else" in errors_of(excinfo)["version"][0]
    assert RatingScale.objects.get(pk=scale.pk).name == "A"


def test_a_launched_cycle_locks_the_scale_values_not_the_labels(org: Org) -> None:
    template = simple_template()
    scale = template.rating_scale
    launched_cycle(template)
    values = selectors.scale_values(scale)
    with pytest.raises(ValidationError) as excinfo:
        services.save_scale(
            actor=org.hr_admin, scale=scale, **{**values, "levels": values["levels"][:4]}
        )
    message = errors_of(excinfo)["levels"][0]
    assert "“2026 annual”" in message and "values cannot change" in message
    assert scale.levels.count() == 5
    reworded = [{**lv, "label": f"{lv['label']}!"} for lv in values["levels"]]
    services.save_scale(actor=org.hr_admin, scale=scale, **{**values, "levels": reworded})
    assert scale.levels.get(value=3).label == "Meets!"


def test_unable_to_rate_cannot_be_turned_off_while_a_cycle_runs(org: Org) -> None:
    template = simple_template()
    launched_cycle(template)
    values = selectors.scale_values(template.rating_scale)
    with pytest.raises(ValidationError) as excinfo:
        services.save_scale(
            actor=org.hr_admin,
            scale=template.rating_scale,
            **{**values, "allow_unable_to_rate": False},
        )
    assert "unable to rate" in errors_of(excinfo)["allow_unable_to_rate"][0]


def test_a_draft_cycle_does_not_lock_the_scale(org: Org) -> None:
    template = simple_template()
    CycleFactory(template=template, stage=Stage.DRAFT)
    values = selectors.scale_values(template.rating_scale)
    services.save_scale(
        actor=org.hr_admin,
        scale=template.rating_scale,
        **{**values, "levels": values["levels"][:3]},
    )
    assert template.rating_scale.levels.count() == 3


def test_archive_and_restore_a_scale(org: Org) -> None:
    scale = make_scale(org.hr_admin)
    services.archive_scale(actor=org.hr_admin, scale=scale)
    scale.refresh_from_db()
    assert scale.is_archived and scale.version == 2
    assert scale not in selectors.offered_scales(org.hr_admin)
    services.archive_scale(actor=org.hr_admin, scale=scale, archived=False)
    actions = list(
        AuditEntry.objects.filter(object_id=str(scale.pk), action__startswith="rating_scale.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["rating_scale.create", "rating_scale.archive", "rating_scale.restore"]


@pytest.mark.parametrize("who", ["employee", "manager", "hrbp", "executive", "auditor", "outsider"])
def test_only_hr_admins_write_scales(org: Org, who: str) -> None:
    person = getattr(org, who)
    actor = getattr(person, "user", person)
    scale = five_point_scale()
    with pytest.raises(PermissionDenied):
        make_scale(actor)
    with pytest.raises(PermissionDenied):
        services.save_scale(actor=actor, scale=scale, **selectors.scale_values(scale))
    with pytest.raises(PermissionDenied):
        services.archive_scale(actor=actor, scale=scale)
    assert not AuditEntry.objects.exists()


# --- templates: the rules ---------------------------------------------------------------


def test_hr_admin_creates_a_template_in_list_order(org: Org) -> None:
    template = make_template(
        org.hr_admin,
        sections=[
            questions_section(
                question(text="First?"),
                question(kind="text", text="Second?", word_limit=50, reviewer_kinds=["peer"]),
                question(kind="choice", text="Third?", choices=[" Yes ", "No"], audience="hr"),
            ),
            goals_section(weight=0),
        ],
    )
    sections = list(template.sections.order_by("position"))
    assert [(s.kind, s.position) for s in sections] == [("questions", 0), ("goals", 1)]
    questions = list(sections[0].questions.order_by("position"))
    assert [q.text for q in questions] == ["First?", "Second?", "Third?"]
    assert questions[2].choices == ["Yes", "No"] and questions[2].audience == "hr"
    # A questions section's reviewer kinds are its questions'.
    assert sections[0].reviewer_kinds == ["self", "manager", "peer"]
    entry = AuditEntry.objects.get(action="review_template.create", object_id=str(template.pk))
    assert entry.after["sections"][0]["questions"][1]["word_limit"] == 50
    assert entry.after["sections"][1]["weight"] == "0"


@pytest.mark.parametrize(
    ("sections", "path", "message"),
    [
        ([], "sections", "at least one section"),
        ([goals_section(weight=0), questions_section(weight=0)], "sections", "weight above 0"),
        ([goals_section(weight=-1), questions_section()], "sections.0.weight", "0 or more"),
        ([goals_section(weight="1.234")], "sections.0.weight", "two decimals"),
        ([goals_section(title="")], "sections.0.title", "title"),
        ([goals_section(kind="bogus")], "sections.0.kind", "goals, competencies or questions"),
        ([goals_section(reviewer_kinds=[])], "sections.0.reviewer_kinds", "at least one"),
        ([goals_section(reviewer_kinds=["boss"])], "sections.0.reviewer_kinds", "boss"),
        ([goals_section(audience="everyone")], "sections.0.audience", "who may read"),
        ([goals_section(questions=[question()])], "sections.0.questions", "no questions"),
        (
            [{"kind": "competencies", "title": "C", "questions": [question()]}],
            "sections.0.questions",
            "no questions",
        ),
        ([questions_section(questions=[])], "sections.0.questions", "at least one question"),
        ([goals_section(), goals_section()], "sections.1.kind", "at most one goals section"),
        (
            [{"kind": "competencies", "title": "A"}, {"kind": "competencies", "title": "B"}],
            "sections.1.kind",
            "at most one competencies section",
        ),
        (
            [questions_section(question(text=" "))],
            "sections.0.questions.0.text",
            "Write the question",
        ),
        (
            [questions_section(question(kind="essay"))],
            "sections.0.questions.0.kind",
            "rating, text or choice",
        ),
        (
            [questions_section(question(reviewer_kinds=[]))],
            "sections.0.questions.0.reviewer_kinds",
            "at least one",
        ),
        (
            [questions_section(question(reviewer_kinds=["self", "auditor"]))],
            "sections.0.questions.0.reviewer_kinds",
            "auditor",
        ),
        (
            [questions_section(question(), question(audience="public"))],
            "sections.0.questions.1.audience",
            "who may read",
        ),
        (
            [questions_section(question(kind="choice", choices=["Only"]))],
            "sections.0.questions.0.choices",
            "two different choices",
        ),
        (
            [questions_section(question(kind="choice", choices=["Same", " Same"]))],
            "sections.0.questions.0.choices",
            "two different choices",
        ),
        (
            [questions_section(question(kind="choice", choices=["A", "B", "A"]))],
            "sections.0.questions.0.choices",
            "repeated",
        ),
        (
            [questions_section(question(kind="text", choices=["A", "B"]))],
            "sections.0.questions.0.choices",
            "Only multiple-choice",
        ),
        (
            [questions_section(question(kind="rating", word_limit=100))],
            "sections.0.questions.0.word_limit",
            "Only text questions",
        ),
        (
            [questions_section(question(kind="choice", choices=["A", "B"], word_limit=5))],
            "sections.0.questions.0.word_limit",
            "Only text questions",
        ),
        (
            [questions_section(question(kind="text", word_limit=0))],
            "sections.0.questions.0.word_limit",
            "from 1",
        ),
    ],
)
def test_template_rules(org: Org, sections: list[Any], path: str, message: str) -> None:
    errors = template_errors(org.hr_admin, sections)
    assert path in errors, errors
    assert message in " ".join(errors[path])
    assert not ReviewTemplate.objects.exists()
    assert not AuditEntry.objects.exists()


def test_every_problem_is_reported_at_once(org: Org) -> None:
    errors = template_errors(
        org.hr_admin,
        [
            goals_section(title=""),
            questions_section(question(), question(kind="choice", choices=[])),
            goals_section(),
        ],
    )
    assert {"sections.0.title", "sections.1.questions.1.choices", "sections.2.kind"} <= set(errors)


def test_a_new_template_needs_a_current_scale_and_a_free_name(org: Org) -> None:
    make_template(org.hr_admin)
    archived = five_point_scale("Old scale")
    archived.is_archived = True
    archived.save()
    with pytest.raises(ValidationError) as excinfo:
        make_template(org.hr_admin, name=" annual ", rating_scale=archived)
    errors = errors_of(excinfo)
    assert "already called" in errors["name"][0]
    assert "archived" in errors["rating_scale"][0]
    with pytest.raises(ValidationError) as excinfo:
        make_template(org.hr_admin, name="Other", rating_scale=None)
    assert "Choose a rating scale" in errors_of(excinfo)["rating_scale"][0]


def test_a_template_may_keep_its_archived_scale(org: Org) -> None:
    template = make_template(org.hr_admin)
    scale = template.rating_scale
    scale.is_archived = True
    scale.save()
    values = selectors.template_values(template)
    services.save_template(actor=org.hr_admin, template=template, **{**values, "name": "Renamed"})
    template.refresh_from_db()
    assert template.name == "Renamed" and template.rating_scale == scale


# --- templates: editing -----------------------------------------------------------------


def test_editing_keeps_ids_moves_and_removes(org: Org) -> None:
    template = make_template(
        org.hr_admin,
        sections=[
            goals_section(),
            questions_section(question(text="A?"), question(text="B?")),
            questions_section(question(text="C?"), title="More"),
        ],
    )
    values = selectors.template_values(template)
    goals, first, second = values["sections"]
    a, b = first["questions"]
    (c,) = second["questions"]
    # Swap the questions sections, move B into the second one, drop C and goals.
    second["questions"] = [b, question(text="New?")]
    first["questions"] = [a]
    services.save_template(
        actor=org.hr_admin,
        template=template,
        expected_version=1,
        **{**values, "sections": [second, first]},
    )
    sections = list(template.sections.order_by("position"))
    assert [s.pk for s in sections] == [second["id"], first["id"]]
    moved = list(sections[0].questions.order_by("position"))
    assert [q.text for q in moved] == ["B?", "New?"] and moved[0].pk == b["id"]
    assert list(sections[1].questions.values_list("pk", flat=True)) == [a["id"]]
    assert not Question.objects.filter(pk=c["id"]).exists()
    assert not TemplateSection.objects.filter(pk=goals["id"]).exists()
    template.refresh_from_db()
    assert template.version == 2
    entry = AuditEntry.objects.get(action="review_template.update", object_id=str(template.pk))
    assert len(entry.before["sections"]) == 3 and len(entry.after["sections"]) == 2
    first_after = entry.after["sections"][0]["questions"][0]
    assert (first_after["id"], first_after["text"]) == (b["id"], "B?")


def test_ids_of_another_template_are_refused(org: Org) -> None:
    other = simple_template()
    template = make_template(org.hr_admin)
    values = selectors.template_values(template)
    values["sections"][0]["id"] = other.sections.first().pk  # type: ignore[union-attr]
    values["sections"][1]["questions"][0]["id"] = (
        Question.objects.filter(section__template=other).first().pk
    )  # type: ignore[union-attr]
    with pytest.raises(ValidationError) as excinfo:
        services.save_template(actor=org.hr_admin, template=template, **values)
    assert set(errors_of(excinfo)) == {"sections.0.id", "sections.1.questions.0.id"}


def test_saving_an_unchanged_template_changes_nothing(org: Org) -> None:
    template = simple_template()
    services.save_template(
        actor=org.hr_admin, template=template, **selectors.template_values(template)
    )
    template.refresh_from_db()
    assert template.version == 1
    assert not AuditEntry.objects.exists()


def test_stale_template_edit_is_refused(org: Org) -> None:
    template = make_template(org.hr_admin)
    values = selectors.template_values(template)
    services.save_template(
        actor=org.hr_admin, template=template, expected_version=1, **{**values, "name": "First"}
    )
    with pytest.raises(ValidationError) as excinfo:
        services.save_template(
            actor=org.hr_admin,
            template=template,
            expected_version=1,
            **{**values, "name": "Second"},
        )
    assert "changed by someone else" in errors_of(excinfo)["version"][0]
    assert ReviewTemplate.objects.get(pk=template.pk).name == "First"


@pytest.mark.parametrize("stage", [Stage.LAUNCHING, Stage.SELF_REVIEW, Stage.CLOSED])
def test_a_template_in_use_by_a_launched_cycle_cannot_change(org: Org, stage: str) -> None:
    template = simple_template()
    CycleFactory(name="2026 annual", template=template, stage=stage)
    values = selectors.template_values(template)
    for change in (
        {"name": "Renamed"},
        {"sections": values["sections"][:2]},
        {"sections": [goals_section(title="")]},  # invalid too: the lock is what matters
    ):
        with pytest.raises(ValidationError) as excinfo:
            services.save_template(actor=org.hr_admin, template=template, **{**values, **change})
        assert errors_of(excinfo) == {
            NON_FIELD_ERRORS: [
                "This template is in use by cycle “2026 annual”; copy it to change it."
            ]
        }
    assert template.sections.count() == 3
    # Archiving is still allowed: the cycle keeps it, new cycles are not offered it.
    services.archive_template(actor=org.hr_admin, template=template)
    assert ReviewTemplate.objects.get(pk=template.pk).is_archived


def test_a_draft_cycle_does_not_lock_the_template(org: Org) -> None:
    template = simple_template()
    CycleFactory(template=template, stage=Stage.DRAFT)
    values = selectors.template_values(template)
    services.save_template(actor=org.hr_admin, template=template, **{**values, "name": "Free"})
    assert ReviewTemplate.objects.get(pk=template.pk).name == "Free"


def test_copy_makes_an_independent_editable_template(org: Org) -> None:
    template = simple_template()
    launched_cycle(template)
    services.archive_template(actor=org.hr_admin, template=template)
    copy = services.copy_template(actor=org.hr_admin, template=template, name="Annual v2")
    assert not copy.is_archived and copy.version == 1
    assert copy.rating_scale_id == template.rating_scale_id
    original, copied = (selectors.template_values(t)["sections"] for t in (template, copy))

    def strip(sections: list[dict[str, Any]]) -> list[Any]:
        return [
            {**s, "id": None, "questions": [{**q, "id": None} for q in s["questions"]]}
            for s in sections
        ]

    assert strip(original) == strip(copied)
    assert not {s["id"] for s in original} & {s["id"] for s in copied}
    entry = AuditEntry.objects.get(action="review_template.copy", object_id=str(copy.pk))
    assert entry.after["copied_from"] == template.pk and len(entry.after["sections"]) == 3
    values = selectors.template_values(copy)
    services.save_template(actor=org.hr_admin, template=copy, **{**values, "name": "Annual v3"})
    with pytest.raises(ValidationError) as excinfo:
        services.copy_template(actor=org.hr_admin, template=template, name="annual V3")
    assert "already called" in errors_of(excinfo)["name"][0]


def test_archived_templates_are_not_offered_for_new_cycles(org: Org) -> None:
    current, old = simple_template(), simple_template()
    services.archive_template(actor=org.hr_admin, template=old)
    offered = set(selectors.offered_templates(org.employee.user))
    assert current in offered and old not in offered
    entry = AuditEntry.objects.get(action="review_template.archive")
    assert entry.before == {"is_archived": False} and entry.after == {"is_archived": True}


@pytest.mark.parametrize("who", ["employee", "manager", "hrbp", "executive", "outsider"])
def test_only_hr_admins_write_templates(org: Org, who: str) -> None:
    person = getattr(org, who)
    actor = getattr(person, "user", person)
    template = simple_template()
    values = selectors.template_values(template)
    with pytest.raises(PermissionDenied):
        make_template(actor)
    with pytest.raises(PermissionDenied):
        services.save_template(actor=actor, template=template, **{**values, "name": "X"})
    with pytest.raises(PermissionDenied):
        services.copy_template(actor=actor, template=template, name="X")
    with pytest.raises(PermissionDenied):
        services.archive_template(actor=actor, template=template)
    assert not AuditEntry.objects.exists()


# --- reads ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "reads"),
    [
        ("employee", True),
        ("manager", True),
        ("hr_admin", True),
        ("hrbp", True),
        ("executive", True),
        ("auditor", False),
        ("outsider", False),
    ],
)
def test_everyone_in_the_organisation_reads_the_programme(org: Org, who: str, reads: bool) -> None:
    person = getattr(org, who)
    user = getattr(person, "user", person)
    template = simple_template()
    assert selectors.templates_for(user).filter(pk=template.pk).exists() is reads
    assert selectors.scales_for(user).filter(pk=template.rating_scale_id).exists() is reads


def test_structure_for_each_kind_of_reviewer(org: Org) -> None:
    from tests.reviews.admin_forms import mixed_template

    structure = selectors.template_structure(mixed_template())
    assert [s.share for s in structure.sections] == [Decimal("75.0"), Decimal("25.0")]

    def asked(kind: str) -> list[tuple[str, list[str]]]:
        return [(s.title, [q.text for q in s.questions]) for s in structure.for_kind(kind)]

    assert asked("self") == [("Goals", []), ("How it went", ["Overall rating?"])]
    assert asked("peer") == [("How it went", ["Overall rating?", "What should they keep doing?"])]
    assert asked("upward") == [("How it went", ["Overall rating?", "How often do you meet?"])]
    assert structure.sections[1].questions[0].item.startswith("q")

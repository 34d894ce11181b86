"""The HR admin's scale and template pages and the template preview:
who may open them (404 for everyone else), the builder's add, remove and
move buttons (without JavaScript, and with htmx), errors on the right
fields with nothing lost, stale edits, the in-use lock, copy, archive and
query bounds."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from cadence.core.models import AuditEntry
from cadence.reviews.models import Question, RatingScale, ReviewTemplate, Stage
from tests.conftest import Org
from tests.review_factories import (
    CycleFactory,
    QuestionFactory,
    RatingScaleFactory,
    ReviewTemplateFactory,
    TemplateSectionFactory,
    five_point_scale,
    simple_template,
)
from tests.reviews.admin_forms import form_data, mixed_template

pytestmark = pytest.mark.django_db

ADMIN = "/reviews/admin"
HTMX = {"HTTP_HX_REQUEST": "true"}


def who(org: Org, name: str) -> Any:
    person = getattr(org, name)
    return getattr(person, "user", person)


def as_admin(client: Client, org: Org) -> Client:
    client.force_login(org.hr_admin)
    return client


def builder(client: Client, url: str) -> dict[str, Any]:
    return form_data(client.get(url), "template-builder")


def press(client: Client, url: str, data: dict[str, Any], op: str, **extra: Any) -> Any:
    resp = client.post(url, {**data, "op": op}, **extra)
    assert resp.status_code == 200, resp.status_code
    return resp


def text(resp: Any) -> str:
    return str(resp.content.decode())


def focused(resp: Any) -> list[str]:
    """The ids of the elements marked autofocus (what gets focus after a
    page load or an htmx swap)."""
    tags = re.findall(r"<(?:input|button|select|textarea|div)\b[^>]*>", text(resp))
    return [
        re.search(r'id="([^"]+)"', tag).group(1)  # type: ignore[union-attr]
        for tag in tags
        if re.search(r"\sautofocus[\s>]", tag) and 'id="' in tag
    ]


# --- who may open the pages ----------------------------------------------------------


@pytest.mark.parametrize(
    "person", ["employee", "manager", "hrbp", "executive", "auditor", "outsider"]
)
def test_admin_pages_are_404_for_everyone_but_hr_admins(
    client: Client, org: Org, person: str
) -> None:
    template = simple_template()
    scale = template.rating_scale
    client.force_login(who(org, person))
    for url in (
        f"{ADMIN}/scales/",
        f"{ADMIN}/scales/new/",
        f"{ADMIN}/scales/{scale.pk}/",
        f"{ADMIN}/scales/{scale.pk}/archive/",
        f"{ADMIN}/templates/",
        f"{ADMIN}/templates/new/",
        f"{ADMIN}/templates/{template.pk}/",
        f"{ADMIN}/templates/{template.pk}/copy/",
        f"{ADMIN}/templates/{template.pk}/archive/",
    ):
        assert client.get(url).status_code == 404, url
    data = {"name": "Mine", "op": "save", "section_count": "0"}
    assert client.post(f"{ADMIN}/templates/{template.pk}/", data).status_code == 404
    assert client.post(f"{ADMIN}/templates/{template.pk}/archive/").status_code == 404
    assert client.post(f"{ADMIN}/scales/{scale.pk}/archive/").status_code == 404
    template.refresh_from_db()
    assert template.name != "Mine" and not template.is_archived


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    resp = client.get(f"{ADMIN}/templates/")
    assert resp.status_code == 302 and "login" in resp["Location"]


# --- rating scales -------------------------------------------------------------------


def test_hr_admin_builds_a_scale_adding_rows_without_javascript(client: Client, org: Org) -> None:
    as_admin(client, org)
    url = f"{ADMIN}/scales/new/"
    data = form_data(client.get(url), "scale-editor")
    assert data["levels-TOTAL_FORMS"] == "3"
    data |= {
        "name": "Four-point",
        "levels-0-value": "1",
        "levels-0-label": "Low",
        "levels-1-value": "2",
        "levels-1-label": "Mid",
        "levels-2-value": "3",
        "levels-2-label": "High",
    }
    resp = press(client, url, data, "add_level")
    data = form_data(resp, "scale-editor")
    assert data["levels-TOTAL_FORMS"] == "4" and data["levels-2-label"] == "High"
    assert focused(resp) == ["id_levels-3-value"]
    data |= {"levels-3-value": "4", "levels-3-label": "Top", "levels-3-description": "Rare"}
    resp = client.post(url, {**data, "op": "save"})
    assert resp.status_code == 302
    scale = RatingScale.objects.get(name="Four-point")
    assert list(scale.levels.values_list("label", flat=True)) == ["Low", "Mid", "High", "Top"]
    assert AuditEntry.objects.filter(action="rating_scale.create").exists()


def test_removing_a_level_keeps_what_was_typed(client: Client, org: Org) -> None:
    scale = five_point_scale()
    as_admin(client, org)
    url = f"{ADMIN}/scales/{scale.pk}/"
    data = form_data(client.get(url), "scale-editor") | {"name": "Edited name"}
    resp = press(client, url, data, "remove_level-0")
    data = form_data(resp, "scale-editor")
    assert data["name"] == "Edited name" and data["levels-TOTAL_FORMS"] == "4"
    assert data["levels-0-label"] == "Partly meets"
    assert RatingScale.objects.get(pk=scale.pk).name == "Five-point"  # nothing saved yet
    assert client.post(url, {**data, "op": "save"}).status_code == 302
    assert scale.levels.count() == 4


def test_scale_errors_land_on_their_row(client: Client, org: Org) -> None:
    as_admin(client, org)
    url = f"{ADMIN}/scales/new/"
    data = form_data(client.get(url), "scale-editor") | {
        "name": "Bad",
        "levels-0-value": "1",
        "levels-0-label": "One",
        # Row 1 left blank: skipped, so the duplicate is the service's level 1.
        "levels-2-value": "1",
        "levels-2-label": "Also one",
    }
    resp = client.post(url, {**data, "op": "save"})
    assert resp.status_code == 200
    editor = resp.context["editor"]
    assert editor.rows.forms[2].errors["value"] == ["Another level has the value 1."]
    assert not editor.rows.forms[0].errors
    assert form_data(resp, "scale-editor")["levels-2-label"] == "Also one"
    data |= {"levels-2-value": "", "levels-2-label": ""}
    resp = client.post(url, {**data, "op": "save"})
    assert "at least 2 levels" in " ".join(resp.context["editor"].row_errors)
    assert not RatingScale.objects.exists()


def test_stale_scale_form_is_refused(client: Client, org: Org) -> None:
    scale = five_point_scale()
    as_admin(client, org)
    url = f"{ADMIN}/scales/{scale.pk}/"
    data = form_data(client.get(url), "scale-editor")
    assert client.post(url, {**data, "name": "First", "op": "save"}).status_code == 302
    resp = client.post(url, {**data, "name": "Second", "op": "save"})
    assert resp.status_code == 200 and "changed by someone else" in text(resp)
    assert RatingScale.objects.get(pk=scale.pk).name == "First"


def test_locked_scale_page_says_why_values_stay(client: Client, org: Org) -> None:
    template = simple_template()
    CycleFactory(name="2026 annual", template=template, stage=Stage.SELF_REVIEW)
    as_admin(client, org)
    url = f"{ADMIN}/scales/{template.rating_scale_id}/"
    resp = client.get(url)
    assert 'id="values-locked"' in text(resp) and "“2026 annual”" in text(resp)
    data = form_data(resp, "scale-editor") | {"levels-4-value": "6"}
    resp = client.post(url, {**data, "op": "save"})
    assert "values cannot change" in " ".join(resp.context["editor"].row_errors)


def test_scale_list_and_archive(client: Client, org: Org) -> None:
    scale = five_point_scale()
    RatingScaleFactory(name="Old", is_archived=True)
    simple_template()
    as_admin(client, org)
    body = text(client.get(f"{ADMIN}/scales/"))
    assert "Five-point" in body and "Old" not in body and "1 template" in body
    assert "Old" in text(client.get(f"{ADMIN}/scales/", {"archived": "1"}))
    confirm = client.get(f"{ADMIN}/scales/{scale.pk}/archive/")
    assert "Archive the rating scale" in text(confirm) and "1 template" in text(confirm)
    assert client.post(f"{ADMIN}/scales/{scale.pk}/archive/").status_code == 302
    assert RatingScale.objects.get(pk=scale.pk).is_archived


# --- the template builder ------------------------------------------------------------


def test_hr_admin_builds_a_template_from_scratch(client: Client, org: Org) -> None:
    scale = five_point_scale()
    as_admin(client, org)
    url = f"{ADMIN}/templates/new/"
    data = builder(client, url) | {"name": "Annual", "rating_scale": str(scale.pk)}
    resp = press(client, url, {**data, "new_section_kind": "goals"}, "add_section")
    assert focused(resp) == ["id_s0-title"]
    data = form_data(resp, "template-builder")
    assert data["s0-kind"] == "goals" and data["name"] == "Annual"
    resp = press(client, url, {**data, "new_section_kind": "questions"}, "add_section")
    data = form_data(resp, "template-builder")
    assert data["s1-question_count"] == "1"  # a questions section starts with one
    resp = press(client, url, data, "add_question-1")
    assert focused(resp) == ["id_s1-q1-text"]
    data = form_data(resp, "template-builder") | {
        "s0-weight": "3",
        "s1-q0-text": "Overall?",
        "s1-q1-kind": "choice",
        "s1-q1-text": "Promote?",
        "s1-q1-choices": "Yes\nNot yet",
        "s1-q1-reviewer_kinds": ["manager"],
        "s1-q1-audience": "hr",
    }
    resp = client.post(url, {**data, "op": "save"})
    assert resp.status_code == 302, resp.context and resp.context["builder"].form.errors
    template = ReviewTemplate.objects.get(name="Annual")
    assert resp["Location"] == f"{ADMIN}/templates/{template.pk}/"
    goals, questions = template.sections.order_by("position")
    assert goals.kind == "goals" and goals.weight == 3
    promote = questions.questions.get(text="Promote?")
    assert promote.choices == ["Yes", "Not yet"] and promote.reviewer_kinds == ["manager"]
    assert promote.audience == "hr" and promote.position == 1


def test_moving_and_removing_never_saves_and_keeps_typing(client: Client, org: Org) -> None:
    template = mixed_template()
    as_admin(client, org)
    url = f"{ADMIN}/templates/{template.pk}/"
    data = builder(client, url) | {"s1-q2-text": "Typed, not saved"}
    resp = press(client, url, data, "up_section-1")
    moved = form_data(resp, "template-builder")
    assert moved["s0-title"] == "How it went" and moved["s1-title"] == "Goals"
    assert moved["s0-q2-text"] == "Typed, not saved"
    assert focused(resp) == ["s0-up"]
    resp = press(client, url, moved, "down_question-0-0")
    moved = form_data(resp, "template-builder")
    assert [moved[f"s0-q{j}-text"] for j in range(3)] == [
        "What should they keep doing?",
        "Overall rating?",
        "Typed, not saved",
    ]
    assert focused(resp) == ["s0-q1-down"]
    resp = press(client, url, moved, "remove_question-0-1")
    assert focused(resp) == ["s0-add-question"]
    moved = form_data(resp, "template-builder")
    assert moved["s0-question_count"] == "2" and "s0-q2-text" not in moved
    resp = press(client, url, moved, "remove_section-1")
    assert focused(resp) == ["new-section-kind"]
    moved = form_data(resp, "template-builder")
    assert moved["section_count"] == "1"
    # Nothing was saved by any of this.
    template.refresh_from_db()
    assert template.version == 1 and template.sections.count() == 2
    assert Question.objects.filter(text="Typed, not saved").count() == 0
    assert client.post(url, {**moved, "op": "save"}).status_code == 302
    (section,) = template.sections.all()
    assert [q.text for q in section.questions.order_by("position")] == [
        "What should they keep doing?",
        "Typed, not saved",
    ]


def test_a_failed_save_shows_each_error_on_its_field_and_loses_nothing(
    client: Client, org: Org
) -> None:
    template = mixed_template()
    as_admin(client, org)
    url = f"{ADMIN}/templates/{template.pk}/"
    data = builder(client, url) | {
        "name": "Renamed, not saved",
        "s1-q2-choices": "Only one",
        "s1-q0-word_limit": "50",
        "s0-reviewer_kinds": [],
    }
    resp = client.post(url, {**data, "op": "save"})
    assert resp.status_code == 200
    built = resp.context["builder"]
    goals, questions = built.sections
    assert "at least one kind" in goals.form.errors["reviewer_kinds"][0]
    assert "two different choices" in questions.questions[2].form.errors["choices"][0]
    assert "Only text questions" in questions.questions[0].form.errors["word_limit"][0]
    assert focused(resp) == ["form-errors"]
    assert 'aria-describedby="id_s1-q2-choices_error' in text(resp)
    again = form_data(resp, "template-builder")
    assert again["name"] == "Renamed, not saved" and again["s1-q2-choices"] == "Only one"
    template.refresh_from_db()
    assert template.name == "Annual review" and template.version == 1


def test_saving_the_builder_unchanged_changes_nothing(client: Client, org: Org) -> None:
    template = mixed_template()
    template.sections.filter(kind="questions").update(audience="manager")
    as_admin(client, org)
    url = f"{ADMIN}/templates/{template.pk}/"
    assert client.post(url, {**builder(client, url), "op": "save"}).status_code == 302
    template.refresh_from_db()
    assert template.version == 1
    assert not AuditEntry.objects.filter(action="review_template.update").exists()


def test_section_level_errors_show_above_the_sections(client: Client, org: Org) -> None:
    template = simple_template()
    as_admin(client, org)
    url = f"{ADMIN}/templates/{template.pk}/"
    data = builder(client, url) | {"s0-weight": "0", "s1-weight": "0", "s2-weight": "0"}
    resp = client.post(url, {**data, "op": "save"})
    assert 'id="sections-error"' in text(resp) and "weight above 0" in text(resp)
    data = builder(client, url) | {"s2-kind": "goals"}
    resp = client.post(url, {**data, "op": "save"})
    sections = resp.context["builder"].sections
    assert "at most one goals section" in sections[2].form.errors["kind"][0]
    assert "has no questions" in " ".join(sections[2].errors)


def test_shares_of_the_weight_are_shown(client: Client, org: Org) -> None:
    template = simple_template()  # weights 2, 1, 1
    as_admin(client, org)
    body = text(client.get(f"{ADMIN}/templates/{template.pk}/"))
    assert 'id="s0-share"' in body
    assert [
        s.share for s in client.get(f"{ADMIN}/templates/{template.pk}/").context["builder"].sections
    ] == ["50 %", "25 %", "25 %"]


def test_htmx_buttons_and_save(client: Client, org: Org) -> None:
    template = simple_template()
    as_admin(client, org)
    url = f"{ADMIN}/templates/{template.pk}/"
    data = builder(client, url)
    resp = press(client, url, data, "add_question-2", **HTMX)
    assert form_data(resp, "template-builder")["s2-question_count"] == "3"
    resp = client.post(url, {**data, "name": "Saved by htmx", "op": "save"}, **HTMX)
    assert resp.status_code == 200 and resp["HX-Redirect"] == url
    assert ReviewTemplate.objects.get(pk=template.pk).name == "Saved by htmx"


def test_stale_template_form_is_refused(client: Client, org: Org) -> None:
    template = simple_template()
    as_admin(client, org)
    url = f"{ADMIN}/templates/{template.pk}/"
    data = builder(client, url)
    assert client.post(url, {**data, "name": "First", "op": "save"}).status_code == 302
    resp = client.post(url, {**data, "name": "Second", "op": "save"})
    assert resp.status_code == 200 and "changed by someone else" in text(resp)
    assert form_data(resp, "template-builder")["name"] == "Second"
    assert ReviewTemplate.objects.get(pk=template.pk).name == "First"


def test_a_locked_template_says_copy_it(client: Client, org: Org) -> None:
    template = simple_template()
    CycleFactory(name="2026 annual", template=template, stage=Stage.CALIBRATION)
    as_admin(client, org)
    url = f"{ADMIN}/templates/{template.pk}/"
    resp = client.get(url)
    body = text(resp)
    assert 'id="template-locked"' in body and "“2026 annual”" in body
    assert "<fieldset disabled>" in body and "Save template" not in body
    # A crafted post is refused by the service, with its message.
    data = {**resp.context["builder"].form.initial, "name": "Changed", "op": "save"}
    data |= {"section_count": "0", "rating_scale": str(template.rating_scale_id)}
    resp = client.post(url, data)
    assert "copy it to change it" in text(resp)
    assert ReviewTemplate.objects.get(pk=template.pk).name != "Changed"


def test_copy_then_edit_the_copy(client: Client, org: Org) -> None:
    template = simple_template(name="Annual")
    CycleFactory(template=template, stage=Stage.RELEASED)
    ReviewTemplateFactory(name="Copy of Annual", rating_scale=template.rating_scale)
    as_admin(client, org)
    url = f"{ADMIN}/templates/{template.pk}/copy/"
    form = form_data(client.get(url), "copy-form")
    assert form["name"] == "Copy of Annual (2)"
    resp = client.post(url, {"name": "Annual 2027"})
    copy = ReviewTemplate.objects.get(name="Annual 2027")
    assert resp.status_code == 302 and resp["Location"] == f"{ADMIN}/templates/{copy.pk}/"
    assert copy.sections.count() == 3
    resp = client.post(url, {"name": "annual 2027"})
    assert resp.status_code == 200 and "already called" in text(resp)


def test_archive_with_confirmation_and_restore(client: Client, org: Org) -> None:
    template = simple_template()
    CycleFactory(template=template, stage=Stage.SELF_REVIEW)
    as_admin(client, org)
    url = f"{ADMIN}/templates/{template.pk}/archive/"
    confirm = text(client.get(url))
    assert "Archive the template" in confirm and "1 cycle" in confirm
    assert client.post(url).status_code == 302
    assert ReviewTemplate.objects.get(pk=template.pk).is_archived
    assert "Restore the template" in text(client.get(url))
    client.post(url)
    assert not ReviewTemplate.objects.get(pk=template.pk).is_archived
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"review_template.archive", "review_template.restore"} <= actions


def test_template_list_search_filter_and_use(client: Client, org: Org) -> None:
    scale = five_point_scale()
    annual = ReviewTemplateFactory(name="Annual review", rating_scale=scale)
    ReviewTemplateFactory(name="Probation", rating_scale=scale)
    ReviewTemplateFactory(name="Annual 2019", rating_scale=scale, is_archived=True)
    CycleFactory(template=annual, stage=Stage.SELF_REVIEW)
    CycleFactory(template=annual)
    as_admin(client, org)
    resp = client.get(f"{ADMIN}/templates/", {"q": "annual"})
    names = [t.name for t in resp.context["page_obj"].object_list]
    assert names == ["Annual review"]
    assert "In use by 2 cycles" in text(resp) and "Locked" in text(resp)
    resp = client.get(f"{ADMIN}/templates/", {"q": "annual", "archived": "all"})
    assert [t.name for t in resp.context["page_obj"].object_list] == [
        "Annual 2019",
        "Annual review",
    ]
    partial = client.get(f"{ADMIN}/templates/", {"q": "prob"}, **HTMX)
    assert text(partial).lstrip().startswith('<section id="template-results"')
    assert "Probation" in text(partial)


def test_template_list_paginates(client: Client, org: Org, settings: Any) -> None:
    scale = five_point_scale()
    for n in range(30):
        ReviewTemplateFactory(name=f"T{n:02d}", rating_scale=scale)
    as_admin(client, org)
    first = client.get(f"{ADMIN}/templates/")
    assert len(first.context["page_obj"].object_list) == settings.CADENCE_PAGE_SIZE
    second = client.get(f"{ADMIN}/templates/", {"page": 2})
    assert [t.name for t in second.context["page_obj"].object_list] == [
        f"T{n:02d}" for n in range(25, 30)
    ]


# --- the preview -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "asked", "not_asked"),
    [
        ("self", ["Goals", "Overall rating?"], ["What should they keep", "How often"]),
        ("manager", ["Goals", "Overall rating?"], ["What should they keep", "How often"]),
        ("peer", ["Overall rating?", "What should they keep doing?"], ["Goals", "How often"]),
        ("upward", ["Overall rating?", "How often do you meet?", "“Weekly”"], ["Goals"]),
    ],
)
def test_preview_shows_what_each_kind_is_asked(
    client: Client, org: Org, kind: str, asked: list[str], not_asked: list[str]
) -> None:
    template = mixed_template()
    client.force_login(org.employee.user)
    resp = client.get(f"{ADMIN}/templates/{template.pk}/preview/", {"kind": kind})
    assert resp.status_code == 200
    section = text(resp).split('id="preview-sections"')[1].split("Rating scale:")[0]
    for words in asked:
        assert words in section, words
    for words in not_asked:
        assert words not in section, words
    assert "Far exceeds" in text(resp)  # the scale, for everyone


def test_preview_says_who_reads_and_the_limits(client: Client, org: Org) -> None:
    template = mixed_template()
    client.force_login(org.manager.user)
    body = text(client.get(f"{ADMIN}/templates/{template.pk}/preview/", {"kind": "peer"}))
    assert "up to 200 words" in body and "Read by: HR only" in body
    assert "75 % of the score" not in body and "25 % of the score" in body


def test_preview_of_a_kind_asked_nothing(client: Client, org: Org) -> None:
    template = ReviewTemplateFactory(rating_scale=five_point_scale())
    TemplateSectionFactory(template=template, kind="goals", title="Goals", reviewer_kinds=["self"])
    client.force_login(org.employee.user)
    body = text(client.get(f"{ADMIN}/templates/{template.pk}/preview/", {"kind": "peer"}))
    assert 'id="preview-nothing"' in body


@pytest.mark.parametrize("person", ["outsider", "auditor"])
def test_preview_is_404_outside_the_organisation(client: Client, org: Org, person: str) -> None:
    template = simple_template()
    client.force_login(who(org, person))
    assert client.get(f"{ADMIN}/templates/{template.pk}/preview/").status_code == 404


# --- query bounds ----------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 60])
def test_list_pages_query_bounds(
    client: Client, org: Org, django_assert_max_num_queries: Any, size: int
) -> None:
    scale = five_point_scale()
    for n in range(size):
        RatingScaleFactory(name=f"Scale {n}")
        template = ReviewTemplateFactory(name=f"Template {n}", rating_scale=scale)
        CycleFactory(template=template, stage=Stage.SELF_REVIEW)
    as_admin(client, org)
    with django_assert_max_num_queries(10):
        resp = client.get(f"{ADMIN}/templates/")
    assert len(resp.context["page_obj"].object_list) == min(size, 25)
    with django_assert_max_num_queries(11):
        resp = client.get(f"{ADMIN}/scales/")
    assert len(resp.context["page_obj"].object_list) == min(size + 1, 25)


@pytest.mark.parametrize("size", [2, 20])
def test_builder_and_preview_query_bounds(
    client: Client, org: Org, django_assert_max_num_queries: Any, size: int
) -> None:
    template = simple_template()
    for n in range(size):
        section = TemplateSectionFactory(template=template, position=3 + n)
        QuestionFactory(section=section)
        QuestionFactory(section=section, kind="choice", choices=["A", "B"])
    as_admin(client, org)
    with django_assert_max_num_queries(14):
        resp = client.get(f"{ADMIN}/templates/{template.pk}/")
    assert len(resp.context["builder"].sections) == size + 3
    data = form_data(resp, "template-builder")
    with django_assert_max_num_queries(14):
        press(client, f"{ADMIN}/templates/{template.pk}/", data, "up_section-1")
    with django_assert_max_num_queries(12):
        resp = client.get(f"{ADMIN}/templates/{template.pk}/preview/", {"kind": "peer"})
    assert len(resp.context["sections"]) == size + 3

"""/api/v1/rating-scales and /api/v1/review-templates: who reads and who
writes, nested bodies, field paths in errors, stale versions (409), the
in-use lock, copies, list filters and query bounds."""

from __future__ import annotations

from typing import Any

import pytest

from cadence.core.models import AuditEntry
from cadence.reviews.models import RatingScale, ReviewTemplate, Stage
from tests.api_client import Api, ids
from tests.conftest import Org
from tests.review_factories import (
    CycleFactory,
    RatingScaleFactory,
    ReviewTemplateFactory,
    five_point_scale,
    simple_template,
)
from tests.reviews.admin_forms import mixed_template

pytestmark = pytest.mark.django_db

SCALES = "/api/v1/rating-scales"
TEMPLATES = "/api/v1/review-templates"
NEW_SCALE = {
    "name": "Three-point",
    "levels": [{"value": 1, "label": "Below"}, {"value": 2, "label": "Meets"}],
}
READERS = ["employee", "manager", "hrbp", "executive"]


def who(org: Org, name: str) -> Any:
    person = getattr(org, name)
    return getattr(person, "user", person)


def new_template(scale_id: int, **kwargs: Any) -> dict[str, Any]:
    return {
        "name": "Annual",
        "rating_scale": scale_id,
        "sections": [
            {"kind": "goals", "title": "Goals", "weight": 2, "reviewer_kinds": ["self", "manager"]},
            {
                "kind": "questions",
                "title": "Questions",
                "weight": 1,
                "questions": [
                    {"kind": "rating", "text": "Overall?", "reviewer_kinds": ["manager"]},
                    {
                        "kind": "choice",
                        "text": "Promote?",
                        "choices": ["Yes", "No"],
                        "audience": "hr",
                    },
                ],
            },
        ],
        **kwargs,
    }


def body_sections(detail: dict[str, Any]) -> list[dict[str, Any]]:
    """A template's sections from a response, as a PATCH body takes them."""
    sections = []
    for section in detail["sections"]:
        s = {k: v for k, v in section.items() if k not in ("share", "position")}
        s["questions"] = [
            {k: v for k, v in q.items() if k != "position"} for q in section["questions"]
        ]
        sections.append(s)
    return sections


def field_errors(resp: Any) -> dict[str | None, str]:
    return {e["field"]: e["message"] for e in resp.json()["errors"]}


# --- reading ----------------------------------------------------------------------------


@pytest.mark.parametrize("reader", [*READERS, "hr_admin"])
def test_everyone_in_the_organisation_reads_scales_and_templates(
    api: Api, org: Org, reader: str
) -> None:
    template = mixed_template()
    client = api.as_(who(org, reader))
    assert ids(client.get(TEMPLATES)) == [template.pk]
    assert ids(client.get(SCALES)) == [template.rating_scale_id]
    detail = client.get(f"{TEMPLATES}/{template.pk}").json()
    assert [s["title"] for s in detail["sections"]] == ["Goals", "How it went"]
    assert [s["share"] for s in detail["sections"]] == ["75.0", "25.0"]
    text_question = detail["sections"][1]["questions"][1]
    assert text_question["reviewer_kinds"] == ["peer"] and text_question["audience"] == "hr"
    assert text_question["word_limit"] == 200
    scale = client.get(f"{SCALES}/{template.rating_scale_id}").json()
    assert scale["levels"][0]["label"] == "Does not meet"


@pytest.mark.parametrize("outsider", ["outsider", "auditor"])
def test_no_place_in_the_organisation_reads_nothing(api: Api, org: Org, outsider: str) -> None:
    template = simple_template()
    client = api.as_(who(org, outsider))
    assert client.get(TEMPLATES).json() == {"count": 0, "items": []}
    assert client.get(SCALES).json() == {"count": 0, "items": []}
    assert client.get(f"{TEMPLATES}/{template.pk}").status_code == 404
    assert client.get(f"{SCALES}/{template.rating_scale_id}").status_code == 404
    patch = client.patch(f"{TEMPLATES}/{template.pk}", {"name": "Mine"})
    assert patch.status_code == 404
    copy = client.post(f"{TEMPLATES}/{template.pk}/copy", {"name": "Mine"})
    assert copy.status_code == 404
    assert client.patch(f"{SCALES}/{template.rating_scale_id}", {"name": "x"}).status_code == 404


def test_unknown_and_huge_ids_are_404(api: Api, org: Org) -> None:
    client = api.as_(org.hr_admin)
    for url in (f"{TEMPLATES}/999", f"{TEMPLATES}/{2**70}", f"{SCALES}/0", f"{SCALES}/{2**70}"):
        resp = client.get(url)
        assert resp.status_code == 404 and resp.json()["detail"] == "Not found."


def test_lists_search_filter_and_paginate(api: Api, org: Org) -> None:
    scale = five_point_scale()
    annual = ReviewTemplateFactory(name="Annual review", rating_scale=scale)
    ReviewTemplateFactory(name="Mid-year check", rating_scale=scale)
    old = ReviewTemplateFactory(name="Annual 2019", rating_scale=scale, is_archived=True)
    CycleFactory(template=annual, stage=Stage.SELF_REVIEW)
    CycleFactory(template=annual, stage=Stage.DRAFT)
    client = api.as_(org.employee)
    assert ids(client.get(TEMPLATES, q="annual")) == [old.pk, annual.pk]
    assert ids(client.get(TEMPLATES, q="annual", archived="false")) == [annual.pk]
    assert ids(client.get(TEMPLATES, archived="true")) == [old.pk]
    page = client.get(TEMPLATES, limit=1, offset=1).json()
    assert page["count"] == 3 and [t["name"] for t in page["items"]] == ["Annual review"]
    row = client.get(TEMPLATES, q="review").json()["items"][0]
    assert row["cycle_count"] == 2 and row["locked"] is True
    archived_scale = RatingScaleFactory(name="Old", is_archived=True)
    assert ids(client.get(SCALES, archived="true")) == [archived_scale.pk]
    assert ids(client.get(SCALES, q="five")) == [scale.pk]


# --- writing ----------------------------------------------------------------------------


@pytest.mark.parametrize("writer", READERS)
def test_readers_cannot_write(api: Api, org: Org, writer: str) -> None:
    template = simple_template()
    client = api.as_(who(org, writer))
    scale_id = template.rating_scale_id
    for resp in (
        client.post(SCALES, NEW_SCALE),
        client.patch(f"{SCALES}/{scale_id}", {"name": "Mine"}),
        client.post(TEMPLATES, new_template(scale_id)),
        client.patch(f"{TEMPLATES}/{template.pk}", {"name": "Mine"}),
        client.patch(f"{TEMPLATES}/{template.pk}", {"is_archived": True}),
        client.post(f"{TEMPLATES}/{template.pk}/copy", {"name": "Mine"}),
    ):
        assert resp.status_code == 403, resp.content
        assert resp.json()["detail"] == "You do not have permission to do this."
    assert ReviewTemplate.objects.count() == 1 and RatingScale.objects.count() == 1
    assert not AuditEntry.objects.filter(object_type__startswith="reviews.").exists()


def test_hr_admin_creates_and_changes_a_scale(api: Api, org: Org) -> None:
    client = api.as_(org.hr_admin)
    resp = client.post(SCALES, NEW_SCALE)
    assert resp.status_code == 201, resp.content
    scale = resp.json()
    assert [lv["value"] for lv in scale["levels"]] == ["1.00", "2.00"]
    assert scale["allow_unable_to_rate"] is True and scale["values_locked"] is False
    resp = client.patch(
        f"{SCALES}/{scale['id']}",
        {
            "version": scale["version"],
            "levels": [{"value": 2, "label": "Solid"}, {"value": 3, "label": "Above"}],
        },
    )
    assert resp.status_code == 200, resp.content
    changed = resp.json()
    assert [lv["label"] for lv in changed["levels"]] == ["Solid", "Above"]
    assert changed["name"] == "Three-point" and changed["version"] == 2
    stale = client.patch(f"{SCALES}/{scale['id']}", {"version": 1, "name": "Late"})
    assert stale.status_code == 409
    assert "changed by someone else" in field_errors(stale)["version"]
    archived = client.patch(f"{SCALES}/{scale['id']}", {"version": 2, "is_archived": True})
    assert archived.status_code == 200 and archived.json()["is_archived"] is True


def test_scale_errors_name_their_fields(api: Api, org: Org) -> None:
    client = api.as_(org.hr_admin)
    resp = client.post(SCALES, {"name": "One", "levels": [{"value": 1, "label": "Only"}]})
    assert resp.status_code == 422 and "at least 2 levels" in field_errors(resp)["levels"]
    resp = client.post(
        SCALES, {"name": "Dup", "levels": [{"value": 1, "label": "A"}, {"value": 1, "label": "B"}]}
    )
    assert "Another level has the value 1" in field_errors(resp)["levels.1.value"]
    resp = client.post(SCALES, {"name": "Neg", "levels": [{"value": -1, "label": "A"}]})
    assert resp.status_code == 422 and "levels.0.value" in field_errors(resp)


def test_locked_scale_values_via_the_api(api: Api, org: Org) -> None:
    template = simple_template()
    CycleFactory(name="2026 annual", template=template, stage=Stage.MANAGER_REVIEW)
    client = api.as_(org.hr_admin)
    url = f"{SCALES}/{template.rating_scale_id}"
    assert client.get(url).json()["values_locked"] is True
    resp = client.patch(url, {"levels": NEW_SCALE["levels"]})
    assert resp.status_code == 422 and "“2026 annual”" in field_errors(resp)["levels"]


def test_hr_admin_creates_a_template_with_nested_sections(api: Api, org: Org) -> None:
    scale = five_point_scale()
    client = api.as_(org.hr_admin)
    resp = client.post(TEMPLATES, new_template(scale.pk))
    assert resp.status_code == 201, resp.content
    detail = resp.json()
    assert detail["rating_scale"] == {"id": scale.pk, "name": scale.name}
    goals, questions = detail["sections"]
    assert goals["questions"] == [] and goals["reviewer_kinds"] == ["self", "manager"]
    assert [q["position"] for q in questions["questions"]] == [0, 1]
    assert questions["questions"][1]["choices"] == ["Yes", "No"]
    # Defaults: self and manager answer, the reviewee reads.
    assert questions["questions"][1]["reviewer_kinds"] == ["self", "manager"]
    assert questions["reviewer_kinds"] == ["self", "manager"]
    assert AuditEntry.objects.filter(action="review_template.create").count() == 1


def test_template_errors_name_their_nested_fields(api: Api, org: Org) -> None:
    body = new_template(five_point_scale().pk)
    body["sections"][1]["questions"][1]["choices"] = ["Yes"]
    body["sections"][1]["questions"][0]["word_limit"] = 10
    body["sections"].append({"kind": "goals", "title": "Again"})
    resp = api.as_(org.hr_admin).post(TEMPLATES, body)
    assert resp.status_code == 422
    errors = field_errors(resp)
    assert "two different choices" in errors["sections.1.questions.1.choices"]
    assert "Only text questions" in errors["sections.1.questions.0.word_limit"]
    assert "at most one goals section" in errors["sections.2.kind"]
    bad_kind = api.as_(org.hr_admin).post(
        TEMPLATES, {**body, "sections": [{"kind": "goals", "title": "G", "reviewer_kinds": []}]}
    )
    assert bad_kind.status_code == 422 and "sections.0.reviewer_kinds" in field_errors(bad_kind)
    unknown_scale = api.as_(org.hr_admin).post(TEMPLATES, new_template(999))
    assert "There is no rating scale" in field_errors(unknown_scale)["rating_scale"]


def test_patch_round_trip_keeps_ids_and_refuses_stale_versions(api: Api, org: Org) -> None:
    template = simple_template()
    client = api.as_(org.hr_admin)
    detail = client.get(f"{TEMPLATES}/{template.pk}").json()
    sections = body_sections(detail)
    sections.reverse()
    sections[0]["questions"][0]["text"] = "Overall, how did it go?"
    resp = client.patch(
        f"{TEMPLATES}/{template.pk}", {"version": detail["version"], "sections": sections}
    )
    assert resp.status_code == 200, resp.content
    changed = resp.json()
    assert [s["id"] for s in changed["sections"]] == [s["id"] for s in reversed(detail["sections"])]
    assert changed["sections"][0]["questions"][0]["text"] == "Overall, how did it go?"
    assert changed["version"] == 2
    stale = client.patch(f"{TEMPLATES}/{template.pk}", {"version": 1, "name": "Late"})
    assert stale.status_code == 409
    assert stale.json()["detail"] == "This record was changed by someone else."
    renamed = client.patch(f"{TEMPLATES}/{template.pk}", {"version": 2, "name": "Renamed"})
    assert renamed.json()["name"] == "Renamed"
    assert [s["id"] for s in renamed.json()["sections"]] == [s["id"] for s in changed["sections"]]


def test_locked_template_can_be_archived_and_copied_not_changed(api: Api, org: Org) -> None:
    template = simple_template()
    CycleFactory(name="2026 annual", template=template, stage=Stage.PEER_REVIEW)
    client = api.as_(org.hr_admin)
    url = f"{TEMPLATES}/{template.pk}"
    assert client.get(url).json()["locked"] is True
    resp = client.patch(url, {"name": "Renamed"})
    assert resp.status_code == 422
    assert field_errors(resp) == {
        None: "This template is in use by cycle “2026 annual”; copy it to change it."
    }
    archived = client.patch(url, {"is_archived": True})
    assert archived.status_code == 200 and archived.json()["is_archived"] is True
    copy = client.post(f"{url}/copy", {"name": "Annual v2"})
    assert copy.status_code == 201, copy.content
    body = copy.json()
    assert body["locked"] is False and body["is_archived"] is False and body["cycle_count"] == 0
    assert len(body["sections"]) == 3
    taken = client.post(f"{url}/copy", {"name": "annual v2"})
    assert taken.status_code == 422 and "already called" in field_errors(taken)["name"]


# --- query bounds -----------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 60])
def test_list_query_bounds(
    api: Api, org: Org, django_assert_max_num_queries: Any, size: int
) -> None:
    scale = five_point_scale()
    for n in range(size):
        RatingScaleFactory(name=f"Scale {n}")
        template = ReviewTemplateFactory(name=f"Template {n}", rating_scale=scale)
        CycleFactory(template=template)
    client = api.as_(org.employee)
    client.get(TEMPLATES)  # the token's first use records when it was used
    with django_assert_max_num_queries(6):
        assert len(ids(client.get(TEMPLATES, limit=100))) == size
    with django_assert_max_num_queries(7):
        assert len(ids(client.get(SCALES, limit=100))) == size + 1


@pytest.mark.parametrize("size", [2, 20])
def test_detail_query_bounds(
    api: Api, org: Org, django_assert_max_num_queries: Any, size: int
) -> None:
    from tests.review_factories import QuestionFactory, TemplateSectionFactory

    template = simple_template()
    for n in range(size):
        section = TemplateSectionFactory(template=template, position=3 + n)
        QuestionFactory(section=section)
        QuestionFactory(section=section)
    client = api.as_(org.employee)
    client.get(TEMPLATES)  # the token's first use records when it was used
    with django_assert_max_num_queries(8):
        assert len(client.get(f"{TEMPLATES}/{template.pk}").json()["sections"]) == size + 3

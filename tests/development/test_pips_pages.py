"""The improvement-plan pages: a manager opens a plan with its expectations
on one page, activates it, records a check-in, extends, completes or
cancels it after a confirmation; illegal moves come back as a message
naming the state; the list filters, pages and runs a fixed number of
queries; the PDF holds the whole record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cadence.core import pdf
from cadence.development import pip_pdf
from cadence.development import services_pips as services
from cadence.development import services_pips_record as pip_record
from cadence.development.models import ImprovementPlan, PlanState
from tests.conftest import Org
from tests.development.pip_support import CONCERNS, make_plan, partner_of, team_of, user_of

pytestmark = pytest.mark.django_db
BASE = "/development/improvement-plans/"


def _new_plan_data(org: Org, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data = {
        "op": "save",
        "hr_partner": str(partner_of(org).pk),
        "concerns": CONCERNS,
        "support": "Weekly pairing",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=60)).isoformat(),
        "check_in_every_days": "14",
        "expectations-TOTAL_FORMS": "2",
        "expectations-INITIAL_FORMS": "0",
        "expectations-MIN_NUM_FORMS": "0",
        "expectations-MAX_NUM_FORMS": "20",
        "expectations-0-description": "Deliver committed sprint work",
        "expectations-0-success_criterion": "90% of committed points each sprint",
        "expectations-0-due_on": (today + dt.timedelta(days=30)).isoformat(),
        # A row left blank is ignored.
        "expectations-1-description": "",
        "expectations-1-success_criterion": "",
        "expectations-1-due_on": "",
    }
    data.update(overrides)
    return data


def test_a_manager_opens_and_activates_a_plan(org: Org, client: Client) -> None:
    partner_of(org)
    client.force_login(user_of(org.lead))
    page = client.get(f"{BASE}new/?employee={org.employee.pk}")
    assert page.status_code == 200
    for label in ("HR partner", "Performance concerns", "Expectation", "Success criterion"):
        assert label in page.text
    assert "Petra Partner" in page.text  # offered as partner
    resp = client.post(f"{BASE}new/?employee={org.employee.pk}", _new_plan_data(org))
    plan = ImprovementPlan.objects.get()
    assert resp.status_code == 302
    assert resp["Location"] == f"{BASE}{plan.pk}/"
    assert plan.expectations.count() == 1
    detail = client.get(f"{BASE}{plan.pk}/")
    assert "This plan is a draft" in detail.text
    assert 'id="pip-move-activate"' in detail.text
    moved = client.post(f"{BASE}{plan.pk}/move/", {"to": "active", "version": plan.version})
    assert moved.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.ACTIVE
    assert plan.check_ins.count() == 5


def test_add_and_remove_expectation_rows_save_nothing(org: Org, client: Client) -> None:
    client.force_login(user_of(org.lead))
    url = f"{BASE}new/?employee={org.employee.pk}"
    added = client.post(url, _new_plan_data(org, op="add_expectation"))
    assert added.status_code == 200
    assert 'name="expectations-2-description"' in added.text
    assert "Deliver committed sprint work" in added.text  # nothing typed is lost
    removed = client.post(url, _new_plan_data(org, op="remove_expectation-0"))
    assert 'name="expectations-1-description"' not in removed.text
    assert not ImprovementPlan.objects.exists()


def test_errors_go_on_the_right_row(org: Org, client: Client) -> None:
    client.force_login(user_of(org.lead))
    data = _new_plan_data(
        org,
        **{"expectations-1-description": "Half a row", "expectations-0-due_on": "2099-01-01"},
    )
    resp = client.post(f"{BASE}new/?employee={org.employee.pk}", data)
    assert resp.status_code == 400
    assert "within the plan" in resp.text
    assert "Say how success will be measured." in resp.text
    assert not ImprovementPlan.objects.exists()


def test_new_plan_is_only_for_the_chain(org: Org, client: Client) -> None:
    client.force_login(user_of(org.peer))
    assert client.get(f"{BASE}new/?employee={org.employee.pk}").status_code == 404
    client.force_login(user_of(org.manager))
    chooser = client.get(f"{BASE}new/", {"q": "emma"})
    assert f"?employee={org.employee.pk}" in chooser.text
    assert f"?employee={org.salesperson.pk}" not in client.get(f"{BASE}new/").text
    client.force_login(user_of(org.employee))
    assert client.get(f"{BASE}new/").status_code == 404


def test_edit_a_draft_and_a_stale_edit(org: Org, client: Client) -> None:
    plan = make_plan(org, PlanState.DRAFT)
    first = plan.expectations.get()
    client.force_login(user_of(org.manager))
    page = client.get(f"{BASE}{plan.pk}/edit/")
    assert page.status_code == 200
    assert first.description in page.text
    data = _new_plan_data(
        org,
        version=str(plan.version),
        starts_on=plan.starts_on.isoformat(),
        ends_on=plan.ends_on.isoformat(),
        **{
            "expectations-TOTAL_FORMS": "1",
            "expectations-0-id": str(first.pk),
            "expectations-0-due_on": first.due_on.isoformat(),
        },
    )
    assert client.post(f"{BASE}{plan.pk}/edit/", data).status_code == 302
    plan.refresh_from_db()
    assert plan.support == "Weekly pairing"
    assert plan.expectations.get().pk == first.pk
    stale = client.post(f"{BASE}{plan.pk}/edit/", data)  # the old version again
    assert stale.status_code == 400
    assert "changed by someone else" in stale.text
    client.force_login(user_of(org.employee))
    assert client.get(f"{BASE}{plan.pk}/edit/").status_code == 404


def test_confirmation_before_cancel_and_complete(org: Org, client: Client) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    client.force_login(user_of(org.manager))
    confirm = client.get(f"{BASE}{plan.pk}/move/", {"to": "cancelled"})
    assert confirm.status_code == 200
    assert "Reason for cancelling" in confirm.text
    missing = client.post(f"{BASE}{plan.pk}/move/", {"to": "cancelled", "reason": ""})
    assert missing.status_code == 400
    plan.refresh_from_db()
    assert plan.state == PlanState.ACTIVE
    page = client.get(f"{BASE}{plan.pk}/move/", {"to": "completed"})
    assert "Outcome summary" in page.text
    done = client.post(
        f"{BASE}{plan.pk}/move/",
        {
            "to": "completed",
            "outcome": "successful",
            "summary": "All met.",
            "version": plan.version,
        },
        follow=True,
    )
    assert "The plan is now completed." in done.text
    assert "Outcome: Successful" in done.text


def test_an_illegal_move_is_a_message_naming_the_state(org: Org, client: Client) -> None:
    plan = make_plan(org, PlanState.DRAFT)
    client.force_login(user_of(org.manager))
    resp = client.post(
        f"{BASE}{plan.pk}/move/",
        {"to": "completed", "outcome": "successful", "summary": "x"},
        follow=True,
    )
    assert "This plan is draft; it cannot move to completed." in resp.text
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    empty = make_plan(org, PlanState.DRAFT, employee=org.peer, expectations=0)
    resp = client.post(f"{BASE}{empty.pk}/move/", {"to": "active"}, follow=True)
    assert "Add at least one expectation" in resp.text
    client.force_login(user_of(org.employee))
    active = make_plan(org, PlanState.ACTIVE, employee=org.lead)
    assert client.post(f"{BASE}{active.pk}/move/", {"to": "cancelled"}).status_code == 404


def test_record_a_check_in(org: Org, client: Client) -> None:
    plan = make_plan(org, PlanState.ACTIVE, expectations=2)
    first, second = plan.expectations.all()
    client.force_login(user_of(org.lead))
    page = client.get(f"{BASE}{plan.pk}/check-in/")
    assert page.status_code == 200
    scheduled = plan.check_ins.earliest("scheduled_on")
    resp = client.post(
        f"{BASE}{plan.pk}/check-in/",
        {
            "check_in": str(scheduled.pk),
            "held_on": timezone.localdate().isoformat(),
            "notes": "Good week",
            f"progress_{first.pk}": "met",
            f"comment_{first.pk}": "Done early",
            f"progress_{second.pk}": "progressing",
        },
    )
    assert resp.status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.notes == "Good week"
    first.refresh_from_db()
    assert first.progress == "met"
    detail = client.get(f"{BASE}{plan.pk}/").text
    assert "Done early" in detail
    client.force_login(user_of(org.employee))
    assert client.get(f"{BASE}{plan.pk}/check-in/").status_code == 403


# --- the list ---------------------------------------------------------------------------------


def test_list_filters_and_empty_states(org: Org, client: Client) -> None:
    client.force_login(user_of(org.peer))
    assert "There are no improvement plans you can see." in client.get(BASE).text
    active = make_plan(org, PlanState.ACTIVE)
    make_plan(org, PlanState.DRAFT, employee=org.peer)
    client.force_login(org.hr_admin)
    assert f'data-plan="{active.pk}"' in client.get(BASE, {"state": "active"}).text
    none = client.get(BASE, {"q": "nobody-here"}).text
    assert "No improvement plans match" in none
    both = client.get(BASE).text
    assert both.count('class="pip-row"') == 2


@pytest.mark.parametrize("size", [3, 30])
def test_list_runs_a_fixed_number_of_queries(
    org: Org, client: Client, django_assert_max_num_queries: Any, size: int
) -> None:
    for person in team_of(org, size):
        make_plan(org, PlanState.ACTIVE, employee=person)
    for who in (org.hr_admin, user_of(org.manager)):
        client.force_login(who)
        with django_assert_max_num_queries(12):
            resp = client.get(BASE)
        assert resp.status_code == 200
        assert resp.text.count('class="pip-row"') == min(size, 25)


@pytest.mark.parametrize(("size", "every"), [(1, 30), (8, 3)])
def test_plan_page_runs_a_fixed_number_of_queries(
    org: Org, client: Client, django_assert_max_num_queries: Any, size: int, every: int
) -> None:
    plan = make_plan(org, PlanState.ACTIVE, expectations=size, every=every)
    for day in range(2):
        pip_record.record_check_in(
            actor=user_of(org.manager),
            plan=plan,
            held_on=plan.starts_on + dt.timedelta(days=day),
            notes="Notes",
            progress=[
                pip_record.ProgressInput(e.pk, "progressing") for e in plan.expectations.all()
            ],
        )
    client.force_login(user_of(org.manager))
    with django_assert_max_num_queries(12):
        page = client.get(f"{BASE}{plan.pk}/")
    assert page.status_code == 200
    assert page.text.count('class="pip-expectation"') == size


# --- the PDF ----------------------------------------------------------------------------------


def test_the_pdf_holds_the_whole_record(org: Org, client: Client) -> None:
    plan = make_plan(org, PlanState.ACTIVE)
    pip_record.acknowledge(
        actor=user_of(org.employee), plan=plan, name="Emma Employee", comments="Hm"
    )
    pip_record.record_check_in(
        actor=user_of(org.manager),
        plan=plan,
        held_on=timezone.localdate(),
        notes="Check-in notes 1",
    )
    plan = services.complete(
        actor=user_of(org.manager), plan=plan, outcome="unsuccessful", summary="Summary of outcome"
    )
    html = pip_pdf.render_plan_html(plan).html
    for text in (
        CONCERNS,
        "Deliver committed sprint work",
        "At least 90% of committed points",
        "Weekly pairing",
        "Check-in notes 1",
        "Signed “Emma Employee”",
        "Summary of outcome",
        "Unsuccessful",
    ):
        assert text in html, text
    client.force_login(user_of(org.employee))
    resp = client.get(f"{BASE}{plan.pk}/plan.pdf")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF")
    assert "improvement-plan-" in resp["Content-Disposition"]
    assert "no-cache" in resp["Cache-Control"] or "no-store" in resp["Cache-Control"]


def test_pdf_unavailable_is_a_503(org: Org, client: Client, monkeypatch: Any) -> None:
    plan = make_plan(org, PlanState.ACTIVE)

    def broken(html: str) -> bytes:
        raise pdf.PdfUnavailable("no pango")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    client.force_login(user_of(org.manager))
    resp = client.get(f"{BASE}{plan.pk}/plan.pdf")
    assert resp.status_code == 503

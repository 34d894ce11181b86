"""A whole review cycle through /api/v1, as the real people at each step:
HR designs the scale, template and cycle and launches it; employees write
their self reviews; the reviewees nominate peers, their managers approve,
the peers write; managers review and propose ratings; HR releases; the
employees acknowledge. At each step each person's view is checked, what
they see and what they must not (a record they may not see answers 404).

Emma (`org.employee`, manager Lee) gets three peer reviews, at the cycle's
minimum group size: she reads them unattributed. Pat (`org.peer`, manager
Mona) gets two: he reads "not enough answers" and no values. Neither
ever receives a byte that names one of their peers.

Every step goes through /api/v1, peer nominations and their approval
included, using only ids the caller found through the API."""

from __future__ import annotations

from typing import Any

import pytest

from cadence.core.models import AuditEntry
from tests.api_client import Api
from tests.conftest import Org
from tests.reviews.e2e_support import (
    Seen,
    answers_for,
    dump,
    error_fields,
    kinds_and_reviewees,
    leaks,
    person,
)

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

PHASES = [
    {"kind": "self_review", "opens_on": "2027-01-04", "due_on": "2027-01-15"},
    {"kind": "peer_nomination", "due_on": "2027-01-20"},
    {"kind": "peer_review", "due_on": "2027-01-31"},
    {"kind": "manager_review", "due_on": "2027-02-10"},
    {"kind": "calibration", "due_on": "2027-02-20"},
    {"kind": "release", "due_on": "2027-02-25"},
    {"kind": "acknowledgement", "due_on": "2027-03-05"},
]

OVERALL = "Overall contribution this year"
WELL = "What went well"
FOR_MANAGER = "Anything only their manager should read"
FOR_HR = "Anything only HR should read"

QUESTIONS = [
    {"kind": "rating", "text": OVERALL, "reviewer_kinds": ["self", "peer", "manager"]},
    {"kind": "text", "text": WELL, "reviewer_kinds": ["self", "peer", "manager"]},
    {
        "kind": "text",
        "text": FOR_MANAGER,
        "required": False,
        "reviewer_kinds": ["peer"],
        "audience": "manager",
    },
    {
        "kind": "text",
        "text": FOR_HR,
        "required": False,
        "reviewer_kinds": ["peer", "manager"],
        "audience": "hr",
    },
]

# What each of Emma's and Pat's peers writes: content only, never a name.
PEER_TEXTS = {
    "quinn": "Generous with code reviews.",
    "rita": "Calm and clear during incidents.",
    "sid_emma": "Writes the clearest design notes.",
    "sid_pat": "Unblocks the team quickly.",
    "tess": "Keeps the roadmap honest.",
}


def hidden(name: str) -> dict[str, str]:
    """The manager-only and HR-only answers a peer writes (never for the
    reviewee; the HR ones not for the manager either)."""
    return {FOR_MANAGER: f"MANAGER-ONLY {name}", FOR_HR: f"HR-ONLY {name}"}


def write_and_submit(who: Seen, assignment_id: int, texts: dict[str, str]) -> dict[str, Any]:
    """As the reviewer: read the form, save every answer with the version
    read, submit with the version the save returned."""
    form = who.ok(f"/assignments/{assignment_id}")
    assert form["can_write"] is True, dump(form)
    saved = who.patch(
        f"/assignments/{assignment_id}",
        {"version": form["version"], "answers": answers_for(form["items"], texts)},
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["status"] == "in_progress"
    done = who.post(f"/assignments/{assignment_id}/submit", {"version": saved.json()["version"]})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "submitted" and done.json()["can_write"] is False
    return dict(done.json())


def peer_ids_named(who: Seen, *surnames: str) -> list[int]:
    """The nominator looks their peers up in the directory API."""
    found = []
    for surname in surnames:
        rows = who.ok("/employees", q=surname)["items"]
        assert len(rows) == 1, dump(rows)
        found.append(rows[0]["id"])
    return found


def nominate(api: Any, who: Any, cycle_id: int, reviewee_id: int, peer_ids: list[int]) -> None:
    """As the nominator, through the API: the whole list of peers at once.
    (What comes back names the peers the nominator chose, so it is kept
    apart from the responses searched for leaks, like the directory.)"""
    path = f"/api/v1/cycles/{cycle_id}/nominations/{reviewee_id}"
    assert api.as_(who).get(path).json()["can_nominate"] is True
    sent = api.as_(who).put(path, {"peers": peer_ids})
    assert sent.status_code == 200, sent.content
    assert sorted(n["peer"]["id"] for n in sent.json()["items"]) == sorted(peer_ids)
    assert {n["status"] for n in sent.json()["items"]} == {"proposed"}


def approve_all(api: Any, who: Any, cycle_id: int, reviewee_id: int, expected: int) -> None:
    """As the reviewee's manager, through the API: approve each nominated peer."""
    path = f"/api/v1/cycles/{cycle_id}/nominations/{reviewee_id}"
    proposed = [n for n in api.as_(who).get(path).json()["items"] if n["status"] == "proposed"]
    assert len(proposed) == expected, proposed
    for nomination in proposed:
        decided = api.as_(who).post(
            f"/api/v1/nominations/{nomination['id']}/decision", {"decision": "approve"}
        )
        assert decided.status_code == 200, decided.content
        assert decided.json()["status"] == "approved"
    assert {n["status"] for n in api.as_(who).get(path).json()["items"]} == {"approved"}


def item_answers(result: dict[str, Any], label: str) -> list[dict[str, Any]]:
    """Every answer to the item labelled `label` in a result, or [] when the
    item is not in it at all."""
    for section in result["sections"]:
        for item in section["items"]:
            if item["label"] == label:
                return list(item["answers"])
    return []


def group(result: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(g for g in result["groups"] if g["kind"] == kind)


def test_a_whole_cycle_through_the_api(api: Api, org: Org, settings: Any) -> None:
    settings.TASKS = IMMEDIATE
    # Four more people in Engineering under Mona, with logins, to be peers.
    quinn = person(7770001, "Quinn", "Quasar", org.engineering, org.manager)
    rita = person(7770002, "Rita", "Rhombus", org.engineering, org.manager)
    sid = person(7770003, "Sid", "Sextant", org.engineering, org.manager)
    tess = person(7770004, "Tess", "Tesseract", org.engineering, org.manager)

    hr = Seen(api, org.hr_admin)
    mona = Seen(api, org.manager)
    lee = Seen(api, org.lead)
    emma = Seen(api, org.employee)
    pat = Seen(api, org.peer)
    otto = Seen(api, org.other_manager)
    sam = Seen(api, org.salesperson)
    peers = {p.first_name: Seen(api, p) for p in (quinn, rita, sid, tess)}

    # --- HR designs the scale, the template and the cycle ------------------------
    scale_body = {
        "name": "Five levels",
        "levels": [
            {"value": str(v), "label": label}
            for v, label in enumerate(["Poor", "Fair", "Good", "Strong", "Outstanding"], 1)
        ],
    }
    assert emma.post("/rating-scales", scale_body).status_code == 403
    made = hr.post("/rating-scales", scale_body)
    assert made.status_code == 201, made.content
    scale = made.json()
    made = hr.post(
        "/review-templates",
        {
            "name": "Annual review",
            "rating_scale": scale["id"],
            "sections": [{"kind": "questions", "title": "Your year", "questions": QUESTIONS}],
        },
    )
    assert made.status_code == 201, made.content
    template = made.json()
    made = hr.post(
        "/cycles",
        {
            "name": "2027 annual review",
            "template": template["id"],
            "rule_department_ids": [org.platform.pk],  # Lee and Emma ...
            "included_employee_ids": [org.peer.pk],  # ... and Pat
            "peers_min": 2,
            "peers_max": 4,
            "peer_nominator": "reviewee",
            "peers_need_approval": True,
            "peer_anonymous": True,
            "upward_anonymous": True,
            "min_group_size": 3,
            "phases": PHASES,
        },
    )
    assert made.status_code == 201, made.content
    cycle_id = made.json()["id"]
    assert made.json()["stage"] == "draft"

    # A draft is HR's alone.
    for someone in (emma, pat, lee, mona, otto, sam):
        assert someone.ok("/cycles")["count"] == 0
        assert someone.get(f"/cycles/{cycle_id}").status_code == 404
        assert someone.mine() == []

    preview = hr.ok(f"/cycles/{cycle_id}/preview", show="in")
    assert {p["id"] for p in preview["items"]} == {org.lead.pk, org.employee.pk, org.peer.pk}
    assert emma.get(f"/cycles/{cycle_id}/preview").status_code in (403, 404)
    assert emma.post(f"/cycles/{cycle_id}/launch", {}).status_code in (403, 404)

    # --- HR launches ---------------------------------------------------------------
    launched = hr.post(f"/cycles/{cycle_id}/launch", {})
    assert launched.status_code == 202, launched.content
    cycle = hr.ok(f"/cycles/{cycle_id}")
    assert cycle["stage"] == "self_review"
    assert cycle["launch"]["done"] == cycle["launch"]["total"] == 3

    # Each person's `reviewer=me` list is exactly the reviews they write.
    assert kinds_and_reviewees(emma.mine()) == {("self", org.employee.pk)}
    assert kinds_and_reviewees(pat.mine()) == {("self", org.peer.pk)}
    assert kinds_and_reviewees(lee.mine()) == {("self", org.lead.pk), ("manager", org.employee.pk)}
    assert kinds_and_reviewees(mona.mine()) == {
        ("manager", org.lead.pk),
        ("manager", org.peer.pk),
    }
    for someone in (*peers.values(), otto, sam):
        assert someone.mine() == []

    # Participants see the cycle, without HR's rules; the other team nothing.
    for someone in (emma, pat, lee, mona):
        listed = someone.ok("/cycles")
        assert [c["id"] for c in listed["items"]] == [cycle_id]
        assert "rules" not in someone.ok(f"/cycles/{cycle_id}")
    assert "rules" in cycle
    for someone in (otto, sam):
        assert someone.ok("/cycles")["count"] == 0
        assert someone.get(f"/cycles/{cycle_id}").status_code == 404
        assert someone.ok("/assignments")["count"] == 0

    # The manager sees the reviews about their reports (metadata, no answers).
    lee_writes_emma = next(a for a in lee.mine() if a["kind"] == "manager")
    emma_self = emma.mine()[0]
    about_team = mona.ok("/assignments", cycle=cycle_id, page_size=100)["items"]
    assert kinds_and_reviewees(about_team) == {
        ("self", org.lead.pk),
        ("self", org.employee.pk),
        ("self", org.peer.pk),
        ("manager", org.lead.pk),
        ("manager", org.employee.pk),
        ("manager", org.peer.pk),
    }
    seen_by_mona = mona.ok(f"/assignments/{emma_self['id']}")
    assert "items" not in seen_by_mona and "answers" not in seen_by_mona
    # Emma sees no review about her but her own; her manager's is 404.
    assert [a["id"] for a in emma.ok("/assignments")["items"]] == [emma_self["id"]]
    assert emma.get(f"/assignments/{lee_writes_emma['id']}").status_code == 404
    assert otto.get(f"/assignments/{emma_self['id']}").status_code == 404

    # --- self reviews --------------------------------------------------------------
    form = emma.ok(f"/assignments/{emma_self['id']}")
    keys = {item["label"]: item["key"] for item in form["items"]}
    assert set(keys) == {OVERALL, WELL}, "a self review shows only the self-review questions"
    saved = emma.patch(
        f"/assignments/{emma_self['id']}",
        {"version": form["version"], "answers": {keys[OVERALL]: {"rating": "4"}}},
    )
    assert saved.status_code == 200, saved.content
    # Submitting with a required answer missing: 422 naming it; nothing changes.
    refused = emma.post(
        f"/assignments/{emma_self['id']}/submit", {"version": saved.json()["version"]}
    )
    assert refused.status_code == 422, refused.content
    assert error_fields(refused) == {keys[WELL]}
    # Saving with the version read before the last save: 409.
    stale = emma.patch(
        f"/assignments/{emma_self['id']}",
        {"version": form["version"], "answers": {keys[WELL]: {"text": "Old tab"}}},
    )
    assert stale.status_code == 409, stale.content
    assert error_fields(stale) == {"version"}
    # Nobody else writes her review, not even her manager.
    assert (
        lee.patch(
            f"/assignments/{emma_self['id']}",
            {"version": saved.json()["version"], "answers": {keys[WELL]: {"text": "x"}}},
        ).status_code
        == 403
    )
    assert emma.ok(f"/assignments/{emma_self['id']}")["status"] == "in_progress"
    write_and_submit(emma, emma_self["id"], {WELL: "Shipped the billing rewrite."})
    write_and_submit(pat, pat.mine()[0]["id"], {WELL: "Mentored two new joiners."})
    lee_self = next(a for a in lee.mine() if a["kind"] == "self")
    write_and_submit(lee, lee_self["id"], {WELL: "Grew the platform team."})
    assert emma.ok(f"/assignments/{emma_self['id']}")["status"] == "submitted"

    # --- peer nomination and approval --------------------------------------
    assert hr.post(f"/cycles/{cycle_id}/stage", {"to": "peer_nomination"}).status_code == 200
    assert emma.post(f"/cycles/{cycle_id}/stage", {"to": "peer_review"}).status_code == 403
    # The nominators look their peers up in the directory: of course those
    # answers name them, so they are kept apart from the responses searched
    # for leaks below (which are everything else the reviewees got).
    emma_peer_ids = peer_ids_named(Seen(api, org.employee), "Quasar", "Rhombus", "Sextant")
    nominate(api, org.employee, cycle_id, org.employee.pk, emma_peer_ids)
    nominate(
        api,
        org.peer,
        cycle_id,
        org.peer.pk,
        peer_ids_named(Seen(api, org.peer), "Sextant", "Tesseract"),
    )
    # Emma cannot see or choose Pat's peers, nor approve her own.
    pats = f"/api/v1/cycles/{cycle_id}/nominations/{org.peer.pk}"
    assert api.as_(org.employee).get(pats).status_code == 404
    assert api.as_(org.employee).put(pats, {"peers": [quinn.pk]}).status_code == 404
    own = api.as_(org.employee).get(f"/api/v1/cycles/{cycle_id}/nominations/{org.employee.pk}")
    first = own.json()["items"][0]["id"]
    refused = api.as_(org.employee).post(
        f"/api/v1/nominations/{first}/decision", {"decision": "approve"}
    )
    assert refused.status_code == 403
    approve_all(api, org.lead, cycle_id, org.employee.pk, expected=3)  # by Emma's manager
    approve_all(api, org.manager, cycle_id, org.peer.pk, expected=2)  # by Pat's

    # --- peer reviews --------------------------------------------------------------
    assert hr.post(f"/cycles/{cycle_id}/stage", {"to": "peer_review"}).status_code == 200
    assert kinds_and_reviewees(peers["Quinn"].mine()) == {("peer", org.employee.pk)}
    assert kinds_and_reviewees(peers["Rita"].mine()) == {("peer", org.employee.pk)}
    assert kinds_and_reviewees(peers["Sid"].mine()) == {
        ("peer", org.employee.pk),
        ("peer", org.peer.pk),
    }
    assert kinds_and_reviewees(peers["Tess"].mine()) == {("peer", org.peer.pk)}
    # The reviewees still list only their own self review.
    assert [a["id"] for a in emma.ok("/assignments", page_size=100)["items"]] == [emma_self["id"]]
    assert emma.ok("/assignments", reviewee=org.employee.pk, kind="peer")["count"] == 0
    assert pat.ok("/assignments", kind="peer", reviewee=org.peer.pk)["count"] == 0
    # Lee sees the three peer reviews about Emma, not what they say.
    about_emma = lee.ok("/assignments", reviewee=org.employee.pk, kind="peer")["items"]
    assert {a["reviewer"]["id"] for a in about_emma} == set(emma_peer_ids)
    quinn_on_emma = peers["Quinn"].mine()[0]["id"]
    rita_on_emma = peers["Rita"].mine()[0]["id"]
    seen_by_lee = lee.ok(f"/assignments/{quinn_on_emma}")
    assert "answers" not in seen_by_lee and "items" not in seen_by_lee
    assert otto.get(f"/assignments/{quinn_on_emma}").status_code == 404

    write_and_submit(peers["Quinn"], quinn_on_emma, {WELL: PEER_TEXTS["quinn"], **hidden("q")})
    # Emma cannot read a peer review about her; Rita cannot read Quinn's.
    assert emma.get(f"/assignments/{quinn_on_emma}").status_code == 404
    assert peers["Rita"].get(f"/assignments/{quinn_on_emma}").status_code == 404
    assert pat.get(f"/assignments/{quinn_on_emma}").status_code == 404
    write_and_submit(peers["Rita"], rita_on_emma, {WELL: PEER_TEXTS["rita"], **hidden("r")})
    sid_rows = {a["reviewee"]["id"]: a["id"] for a in peers["Sid"].mine()}
    write_and_submit(
        peers["Sid"], sid_rows[org.employee.pk], {WELL: PEER_TEXTS["sid_emma"], **hidden("s1")}
    )
    write_and_submit(
        peers["Sid"], sid_rows[org.peer.pk], {WELL: PEER_TEXTS["sid_pat"], **hidden("s2")}
    )
    write_and_submit(
        peers["Tess"], peers["Tess"].mine()[0]["id"], {WELL: PEER_TEXTS["tess"], **hidden("t")}
    )
    # A submitted review is locked.
    relock = peers["Quinn"].patch(
        f"/assignments/{quinn_on_emma}",
        {"version": peers["Quinn"].ok(f"/assignments/{quinn_on_emma}")["version"], "answers": {}},
    )
    assert relock.status_code == 422, relock.content

    # --- manager reviews and proposed ratings --------------------------------------
    assert hr.post(f"/cycles/{cycle_id}/stage", {"to": "manager_review"}).status_code == 200
    write_and_submit(lee, lee_writes_emma["id"], {WELL: "Owned the billing rewrite end to end."})
    mona_rows = {a["reviewee"]["id"]: a["id"] for a in mona.mine()}
    write_and_submit(mona, mona_rows[org.lead.pk], {WELL: "A steady lead."})
    write_and_submit(mona, mona_rows[org.peer.pk], {WELL: "A reliable mentor."})

    results = {r["employee"]["id"]: r for r in lee.ok(f"/cycles/{cycle_id}/results")["items"]}
    assert set(results) == {org.employee.pk}, "Lee sees his report's result only"
    emma_result_id = results[org.employee.pk]["id"]
    # Before release: the employee has no result; the manager reads it all.
    assert emma.ok(f"/cycles/{cycle_id}/results")["count"] == 0
    assert emma.get(f"/results/{emma_result_id}").status_code == 404
    assert otto.get(f"/results/{emma_result_id}").status_code == 404
    assert otto.get(f"/cycles/{cycle_id}/results").status_code == 404
    for_lee = lee.ok(f"/results/{emma_result_id}")
    assert for_lee["viewer_role"] == "manager" and for_lee["released"] is False
    assert group(for_lee, "peer") == {
        "kind": "peer",
        "status": "shown",
        "attributed": False,
        "reviews": 3,
    }
    peer_answers = [a for a in item_answers(for_lee, WELL) if a["reviewer_kind"] == "peer"]
    assert sorted(a["text"] for a in peer_answers) == sorted(
        [PEER_TEXTS["quinn"], PEER_TEXTS["rita"], PEER_TEXTS["sid_emma"]]
    )
    assert all("reviewer" not in a for a in peer_answers)
    assert sorted(a["text"] for a in item_answers(for_lee, FOR_MANAGER)) == [
        "MANAGER-ONLY q",
        "MANAGER-ONLY r",
        "MANAGER-ONLY s1",
    ]
    assert b"HR-ONLY" not in lee.get(f"/results/{emma_result_id}").content
    assert leaks(lee.bodies[-2:], [quinn, rita, sid]) == []

    # Emma cannot propose her own rating; Lee proposes it, with the version he read.
    good = next(lv for lv in scale["levels"] if lv["label"] == "Strong")
    assert emma.post(f"/results/{emma_result_id}/rating", {"level": good["id"]}).status_code == 404
    rated = lee.post(
        f"/results/{emma_result_id}/rating",
        {"level": good["id"], "reason": "Agreed in calibration.", "version": for_lee["version"]},
    )
    assert rated.status_code == 200, rated.content
    assert rated.json()["manager_level"]["id"] == good["id"]
    again = lee.post(
        f"/results/{emma_result_id}/rating",
        {"level": good["id"], "reason": "Twice.", "version": for_lee["version"]},
    )
    assert again.status_code == 409, again.content
    mona_results = {r["employee"]["id"]: r for r in mona.ok(f"/cycles/{cycle_id}/results")["items"]}
    assert set(mona_results) == {org.lead.pk, org.employee.pk, org.peer.pk}
    for pk in (org.lead.pk, org.peer.pk):
        rated = mona.post(
            f"/results/{mona_results[pk]['id']}/rating",
            {"level": good["id"], "reason": "Agreed in calibration."},
        )
        assert rated.status_code == 200, rated.content
    pat_result_id = mona_results[org.peer.pk]["id"]

    # --- HR releases ---------------------------------------------------------------
    assert hr.post(f"/cycles/{cycle_id}/stage", {"to": "calibration"}).status_code == 200
    assert emma.post(f"/cycles/{cycle_id}/release", {}).status_code in (403, 404)
    assert lee.post(f"/cycles/{cycle_id}/release", {}).status_code in (403, 404)
    assert emma.get(f"/results/{emma_result_id}").status_code == 404
    released = hr.post(f"/cycles/{cycle_id}/release", {})
    assert released.status_code == 200, released.content
    assert released.json() == {
        "released": 3,
        "not_ready": 0,
        "cycle_released": True,
        "cycle_stage": "released",
    }

    # Emma (three peers): her result, with the peer answers unattributed.
    mine = emma.ok(f"/cycles/{cycle_id}/results")
    assert [r["id"] for r in mine["items"]] == [emma_result_id]
    for_emma = emma.ok(f"/results/{emma_result_id}")
    assert for_emma["viewer_role"] == "reviewee" and for_emma["released"] is True
    assert for_emma["final_level"]["id"] == good["id"]
    assert group(for_emma, "peer")["status"] == "shown"
    assert group(for_emma, "peer")["attributed"] is False
    peer_answers = [a for a in item_answers(for_emma, WELL) if a["reviewer_kind"] == "peer"]
    assert sorted(a["text"] for a in peer_answers) == sorted(
        [PEER_TEXTS["quinn"], PEER_TEXTS["rita"], PEER_TEXTS["sid_emma"]]
    )
    assert all("reviewer" not in a for a in peer_answers)
    assert len([a for a in item_answers(for_emma, OVERALL) if a["reviewer_kind"] == "peer"]) == 3
    # Manager-only and HR-only answers never reach the reviewee.
    assert item_answers(for_emma, FOR_MANAGER) == [] and item_answers(for_emma, FOR_HR) == []
    assert not any(b"MANAGER-ONLY" in body or b"HR-ONLY" in body for body in emma.bodies)

    # Only an HR admin reads who wrote what, and the HR-only answers.
    for_hr = hr.ok(f"/results/{emma_result_id}")
    hr_only = [a for a in item_answers(for_hr, FOR_HR) if a["reviewer_kind"] == "peer"]
    assert {a["reviewer"]["id"] for a in hr_only} == set(emma_peer_ids)
    assert sorted(a["text"] for a in hr_only) == [
        "HR-ONLY q",
        "HR-ONLY r",
        "HR-ONLY s1",
    ]

    # Pat (two peers): "not enough answers", and no values at all.
    for_pat = pat.ok(f"/results/{pat_result_id}")
    assert for_pat["viewer_role"] == "reviewee"
    assert group(for_pat, "peer")["status"] == "not_enough_answers"
    assert "reviews" not in group(for_pat, "peer") or group(for_pat, "peer")["reviews"] is None
    assert not [
        a
        for s in for_pat["sections"]
        for i in s["items"]
        for a in i["answers"]
        if a["reviewer_kind"] == "peer"
    ]
    for averages in [for_pat.get("averages") or {}] + [s["averages"] for s in for_pat["sections"]]:
        if "peer" in averages:
            assert averages["peer"]["status"] == "not_enough_answers"
            assert "value" not in averages["peer"]
    assert not any(
        text.encode() in body
        for text in (PEER_TEXTS["sid_pat"], PEER_TEXTS["tess"])
        for body in pat.bodies
    )
    # Pat's manager is held to the same minimum.
    for_mona = mona.ok(f"/results/{pat_result_id}")
    assert group(for_mona, "peer")["status"] == "not_enough_answers"
    assert b"Unblocks the team quickly" not in mona.bodies[-1]

    # --- the employees acknowledge -------------------------------------------------
    acknowledged = emma.post(
        f"/results/{emma_result_id}/acknowledge", {"comment": "Thanks, agreed."}
    )
    assert acknowledged.status_code == 200, acknowledged.content
    assert acknowledged.json()["acknowledged"] is True
    twice = emma.post(f"/results/{emma_result_id}/acknowledge", {})
    assert twice.status_code == 422, twice.content
    assert lee.post(f"/results/{emma_result_id}/acknowledge", {}).status_code == 403
    assert pat.post(f"/results/{pat_result_id}/acknowledge", {}).status_code == 200
    for_lee = lee.ok(f"/results/{emma_result_id}")
    assert for_lee["acknowledged"] is True
    assert for_lee["acknowledgement_comment"] == "Thanks, agreed."
    assert lee.ok(f"/cycles/{cycle_id}/results", acknowledged=True)["count"] == 1
    assert otto.get(f"/results/{emma_result_id}").status_code == 404
    # Once released, nothing changes the rating.
    late = lee.post(f"/results/{emma_result_id}/rating", {"level": good["id"], "reason": "Later."})
    assert late.status_code == 422, late.content

    # --- nothing the reviewees got names a peer ---------------------------------------
    assert leaks(emma.bodies, [quinn, rita, sid]) == []
    assert leaks(pat.bodies, [sid, tess]) == []

    # --- the audit log has a row for each write, by the person who made it ------------
    def rows(action: str, **where: Any) -> int:
        return AuditEntry.objects.filter(action=action, **where).count()

    assert rows("rating_scale.create", actor=org.hr_admin) == 1
    assert rows("review_template.create", actor=org.hr_admin) == 1
    assert rows("review_cycle.create", actor=org.hr_admin) == 1
    assert rows("review_cycle.launch", actor=org.hr_admin) == 1
    moves = AuditEntry.objects.filter(action="review_cycle.stage", actor=org.hr_admin)
    assert [m.after["stage"] for m in moves.order_by("id")][:4] == [
        "peer_nomination",
        "peer_review",
        "manager_review",
        "calibration",
    ]
    assert rows("review.peers_nominate", actor=org.employee.user) == 1
    assert rows("review.peers_nominate", actor=org.peer.user) == 1
    assert rows("review.peer_approve", actor=org.lead.user) == 3
    assert rows("review.peer_approve", actor=org.manager.user) == 2
    # 3 self + 5 peer + 3 manager reviews, each saved once (Emma twice) and submitted once.
    assert rows("review.submit") == 11
    assert rows("review.submit", actor=org.employee.user) == 1
    assert rows("review.answers_save") == 12
    assert rows("review_result.propose_rating", actor=org.lead.user) == 1
    assert rows("review_result.propose_rating", actor=org.manager.user) == 2
    assert rows("review_result.release", actor=org.hr_admin) == 3
    assert rows("review_result.acknowledge", actor=org.employee.user) == 1
    assert rows("review_result.acknowledge", actor=org.peer.user) == 1

"""The pages for writing reviews: my reviews, the review form (autosaved
with htmx, a confirmation step before submitting), peer nomination and the
managers' approval of nominated peers. Each view parses input, calls a
selector or a service, and renders; visibility comes from the selectors,
write rules from the services.

An assignment the viewer may not see is a 404; one they may see but not
write (a manager reading a report's peer assignment) shows its metadata
only, and a write to it is a 403."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.core.ids import local_next, parse_id
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.people.models import Employee
from cadence.reviews import selectors_writing as selectors
from cadence.reviews import services_writing as services
from cadence.reviews import services_writing_nominations as nominations
from cadence.reviews.form_items import items_for
from cadence.reviews.forms_writing import DecisionForm, ReviewAnswersForm, posted_peer_ids
from cadence.reviews.models import (
    AssignmentStatus,
    CycleParticipant,
    NominationStatus,
    ReviewAssignment,
)

TEMPLATES = "reviews/writing/"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _visible_assignment(request: HttpRequest, pk: int) -> ReviewAssignment:
    try:
        return selectors.get_visible_assignment(_user(request), pk)
    except ReviewAssignment.DoesNotExist:
        raise Http404("No such review.") from None


# --- my reviews ----------------------------------------------------------------------


@login_required
@require_GET
def my_reviews(request: HttpRequest) -> HttpResponse:
    """The reviews I write, grouped by cycle: still to write (with the due
    date of their phase) and submitted; plus nominations and approvals
    waiting for me."""
    user = _user(request)
    rows = list(selectors.my_assignments(user))
    dues = selectors.due_dates(a.cycle_id for a in rows)
    groups: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: {"open": [], "submitted": []}
    )
    for a in rows:
        group = "submitted" if a.status == AssignmentStatus.SUBMITTED else "open"
        groups[a.cycle_id][group].append({"assignment": a, "due_on": selectors.due_on(a, dues)})
    cycles = [{"cycle": cycle, **groups[cycle.pk]} for cycle in selectors.cycles_of(rows)]
    context = {
        "cycles": cycles,
        "to_write": sum(len(g["open"]) for g in groups.values()),
        "duties": selectors.nomination_duties(user),
        "awaiting": selectors.awaiting_decision(user).count(),
    }
    return render(request, TEMPLATES + "my_reviews.html", context)


# --- the review form --------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    assignment: ReviewAssignment,
    form: ReviewAnswersForm | None = None,
    *,
    status: int = 200,
    conflict: bool = False,
) -> HttpResponse:
    """The review form (or, for someone who may only see the assignment,
    its metadata), with `form` when re-showing what was posted."""
    user = _user(request)
    data = selectors.review_form(user, assignment)
    if data.can_read and form is None:
        form = ReviewAnswersForm(
            items=data.items,
            answers=data.answers,
            version=assignment.version,
            read_only=not data.can_write,
        )
    errors = form.item_errors() if form is not None and form.is_bound else {}
    sections = [
        {
            "section": s.section,
            "empty_note": s.empty_note,
            "rows": [
                {
                    "item": item,
                    "field": form[item.key] if form is not None else None,
                    "comment": form[item.key + "-comment"]
                    if form is not None and item.is_rating
                    else None,
                    "goal": data.goals.get(item.goal_id) if item.goal_id else None,
                    "errors": errors.get(item.key, []),
                }
                for item in s.items
            ],
        }
        for s in data.sections
    ]
    context = {
        "assignment": assignment,
        "data": data,
        "form": form,
        "sections": sections,
        "conflict": conflict,
        "missing": errors,
    }
    return render(request, TEMPLATES + "review_form.html", context, status=status)


def _save(
    request: HttpRequest, assignment: ReviewAssignment
) -> tuple[ReviewAnswersForm, ReviewAssignment | None, int]:
    """Save what was posted: (form, saved assignment or None, HTTP status).
    Anyone but the reviewer is refused before their input is judged."""
    user = _user(request)
    form = ReviewAnswersForm(
        request.POST, items=items_for(assignment), answers={}, version=assignment.version
    )
    valid = form.is_valid()
    if not viewer_for(user).is_self(assignment.reviewer_id):
        form.add_error(None, "Only the reviewer writes this review.")
        return form, None, 403
    if not valid:
        return form, None, 422
    try:
        saved = services.save_answers(
            actor=user,
            assignment=assignment,
            answers=form.answers(),
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        stale = form.apply_service_errors(error)
        return form, None, 409 if stale else 422
    return form, saved, 200


@login_required
@require_http_methods(["GET", "POST"])
def review_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The review form. Without JavaScript, "Save draft" posts here; "Review
    and submit" saves, then shows the missing items or the confirmation."""
    assignment = _visible_assignment(request, pk)
    if request.method == "GET":
        return _form_page(request, assignment)
    form, saved, status = _save(request, assignment)
    if status == 403:
        raise PermissionDenied
    if saved is None:
        return _form_page(request, assignment, form, status=status, conflict=status == 409)
    if request.POST.get("action") == "submit":
        problems = selectors.submit_problems(saved)
        if problems:
            posted = request.POST.copy()
            posted["version"] = str(saved.version)
            return _page_with_problems(request, saved, problems, posted)
        return redirect("reviews:review_submit", pk=saved.pk)
    messages.success(request, "Draft saved.")
    return redirect("reviews:review_form", pk=saved.pk)


@login_required
@require_POST
def review_save(request: HttpRequest, pk: int) -> HttpResponse:
    """The autosave (htmx): saves the posted form and answers with the save
    status, the new version and each item's errors (swapped out of band).
    409 when the review was saved elsewhere: what was typed stays in the
    page."""
    assignment = _visible_assignment(request, pk)
    form, saved, status = _save(request, assignment)
    errors = form.item_errors()
    context = {
        "saved": saved,
        "conflict": status == 409,
        "non_field": form.non_field_errors(),
        # Every item's error box, so a fixed answer's old message goes away.
        "item_errors": [(item.key, errors.get(item.key, [])) for item in form.items],
        "item_errors_present": bool(errors),
        "form_url": reverse("reviews:review_form", args=[assignment.pk]),
    }
    return render(request, TEMPLATES + "_save_status.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation step, then the submission. Missing answers send the
    reviewer back to the form with a message on each."""
    user = _user(request)
    assignment = _visible_assignment(request, pk)
    if not selectors.may_write(user, assignment):
        if selectors.may_read_answers(user, assignment):
            return redirect("reviews:review_form", pk=assignment.pk)
        raise PermissionDenied
    if request.method == "GET":
        problems = selectors.submit_problems(assignment)
        if problems:
            return _page_with_problems(request, assignment, problems)
        data = selectors.review_form(user, assignment)
        context = {"assignment": assignment, "data": data}
        return render(request, TEMPLATES + "confirm_submit.html", context)
    raw_version = request.POST.get("version", "")
    version = parse_id(raw_version)
    try:
        services.submit_assignment(actor=user, assignment=assignment, expected_version=version)
    except ValidationError as error:
        if "version" in getattr(error, "error_dict", {}):
            return _form_page(request, assignment, status=409, conflict=True)
        problems = {k: " ".join(v) for k, v in getattr(error, "message_dict", {}).items()}
        if not problems:
            messages.error(request, " ".join(error.messages))
            return redirect("reviews:review_form", pk=assignment.pk)
        return _page_with_problems(request, assignment, problems)
    messages.success(
        request, f"Submitted your review of {assignment.reviewee.full_name}. Thank you."
    )
    return redirect("reviews:my_reviews")


def _page_with_problems(
    request: HttpRequest,
    assignment: ReviewAssignment,
    problems: dict[str, str],
    posted: Any = None,
) -> HttpResponse:
    """The form again (400) with a message on each item that stops the
    submission; shows what was posted, or else what is stored."""
    data = selectors.review_form(_user(request), assignment)
    if posted is None:
        posted = ReviewAnswersForm.data_from(data.items, data.answers, assignment.version)
    form = ReviewAnswersForm(
        posted, items=data.items, answers=data.answers, version=assignment.version
    )
    form.is_valid()
    for key, message in problems.items():
        form.add_error(key if key in form.fields else None, message)
    return _form_page(request, assignment, form, status=400)


# --- peer nominations -------------------------------------------------------------------


@login_required
@require_GET
def nominations_page(request: HttpRequest) -> HttpResponse:
    """The reviewees whose peers I nominate now (myself, or my reports)."""
    context = {"duties": selectors.nomination_duties(_user(request))}
    return render(request, TEMPLATES + "nominations.html", context)


def _participant(request: HttpRequest, cycle_pk: int, employee_pk: int) -> CycleParticipant:
    try:
        return selectors.nomination_participant(_user(request), cycle_pk, employee_pk)
    except CycleParticipant.DoesNotExist:
        raise Http404("No such nomination.") from None


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest, cycle_pk: int, employee_pk: int) -> HttpResponse:
    """Choose the peers who review someone: the current nominations with
    their status, a directory search, and the whole list sent at once."""
    user = _user(request)
    participant = _participant(request, cycle_pk, employee_pk)
    cycle = participant.cycle
    can_nominate = nominations.may_nominate(user, cycle, participant)
    errors: list[str] = []
    chosen_ids: list[int] | None = None
    status = 200
    if request.method == "POST":
        if not can_nominate:
            raise PermissionDenied
        chosen_ids = posted_peer_ids(request.POST.getlist("peer"))
        # The service looks each id up among the people the nominator may
        # see and names the ones it refuses, so only the ids are passed on.
        peers = [Employee(pk=pk) for pk in chosen_ids]
        try:
            nominations.nominate_peers(
                actor=user, cycle=cycle, reviewee=participant.employee, peers=peers
            )
        except ValidationError as error:
            errors = error.messages
            status = 422
        else:
            messages.success(request, f"Saved the peers for {participant.employee.full_name}.")
            return redirect(
                "reviews:nominate", cycle_pk=cycle.pk, employee_pk=participant.employee_id
            )
    current = selectors.nominations_of(user, participant)
    nominated = {n.peer_id for n in current}
    # People ticked but refused with the others: shown again, still ticked.
    extra = [
        p
        for p in Employee.objects.visible_to(user).filter(pk__in=chosen_ids or [])
        if p.pk not in nominated
    ]
    q = request.GET.get("q", "")[:100]
    context = {
        "participant": participant,
        "cycle": cycle,
        "nominations": current,
        "extra_chosen": extra,
        "can_nominate": can_nominate and not nominations.nomination_closed_reason(cycle),
        "closed": nominations.nomination_closed_reason(cycle),
        "errors": errors,
        "q": q,
        "results": selectors.peer_candidates(user, participant, q) if can_nominate else [],
        "chosen": set(chosen_ids)
        if chosen_ids is not None
        else {n.peer_id for n in current if n.status != NominationStatus.DECLINED},
    }
    return render(request, TEMPLATES + "nominate.html", context, status=status)


@login_required
@require_GET
def nominate_search(request: HttpRequest, cycle_pk: int, employee_pk: int) -> HttpResponse:
    """The directory search of the nomination page (htmx)."""
    user = _user(request)
    participant = _participant(request, cycle_pk, employee_pk)
    if not nominations.may_nominate(user, participant.cycle, participant):
        raise PermissionDenied
    q = request.GET.get("q", "")[:100]
    context = {"results": selectors.peer_candidates(user, participant, q), "q": q, "chosen": set()}
    return render(request, TEMPLATES + "_peer_results.html", context)


@login_required
@require_GET
def nomination_approvals(request: HttpRequest) -> HttpResponse:
    """Peers nominated for my reports, waiting for my decision, a page at a time."""
    pending = selectors.awaiting_decision(_user(request))
    page = Paginator(pending, settings.CADENCE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "rows": list(page.object_list)}
    return render(request, TEMPLATES + "nomination_approvals.html", context)


@login_required
@require_POST
def nomination_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or decline one nominated peer."""
    user = _user(request)
    nomination = (
        selectors.nominations_visible_to(user)
        .select_related("peer", "reviewee", "cycle")
        .filter(pk=pk)
        .first()
    )
    if nomination is None:
        raise Http404("No such nomination.")
    back = local_next(request, request.POST.get("next"))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or decline.")
        return redirect(back or "reviews:nomination_approvals")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        nominations.decide_nomination(actor=user, nomination=nomination, approve=approve)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        verb = "Approved" if approve else "Declined"
        messages.success(
            request,
            f"{verb} {nomination.peer.full_name} as a peer for {nomination.reviewee.full_name}.",
        )
    return redirect(back or "reviews:nomination_approvals")

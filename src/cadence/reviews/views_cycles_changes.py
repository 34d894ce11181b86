"""Pages for the controlled changes to a running cycle (HR admins; 404 for
anyone else): the participants with their reviews, and one form per change,
each asking for the reason and confirming before it acts. Writes go
through services_cycles_changes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.reviews import selectors_cycles
from cadence.reviews import services_cycles_changes as changes
from cadence.reviews.forms_cycles import (
    ExtendDeadlineForm,
    ParticipantAddForm,
    ReasonForm,
    ReplaceReviewerForm,
    apply_service_errors,
)
from cadence.reviews.models import (
    AssignmentStatus,
    Cycle,
    CycleParticipant,
    CyclePhase,
    ParticipantStatus,
    ReviewAssignment,
    ReviewerKind,
)
from cadence.reviews.views_cycles import managed_cycle


def _participant(cycle: Cycle, employee_pk: int) -> CycleParticipant:
    found = (
        CycleParticipant.objects.filter(cycle=cycle, employee_id=employee_pk)
        .select_related("employee__manager", "employee__department", "manager")
        .first()
    )
    if found is None:
        raise Http404("Not taking part.")
    return found


def _assignment(cycle: Cycle, pk: int) -> ReviewAssignment:
    found = (
        ReviewAssignment.objects.filter(cycle=cycle, pk=pk)
        .select_related("reviewer", "reviewee")
        .first()
    )
    if found is None:
        raise Http404("No such review.")
    return found


def _change_page(request: HttpRequest, status: int = 200, **context: Any) -> HttpResponse:
    """The shared confirm-with-a-reason page."""
    return render(request, "reviews/cycles/change_form.html", context, status=status)


# --- participants --------------------------------------------------------------------------


def _participants_context(
    request: HttpRequest, cycle: Cycle, form: ParticipantAddForm
) -> dict[str, Any]:
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    changed = request.GET.get("changed") == "1"
    rows = selectors_cycles.participant_list(
        cycle, q=q, status=status if status in ParticipantStatus.values else None, changed=changed
    )
    page = Paginator(rows, settings.CADENCE_PAGE_SIZE).get_page(request.GET.get("page"))
    items = []
    for p in page.object_list:
        current = selectors_cycles.current_manager(p.employee)
        changed_now = p.status == ParticipantStatus.ACTIVE and (
            (current.pk if current else None) != p.manager_id
        )
        items.append((p, current, changed_now))
    return {
        "cycle": cycle,
        "items": items,
        "page_obj": page,
        "q": q,
        "status": status,
        "changed": changed,
        "statuses": ParticipantStatus.choices,
        "form": form,
        "can_change": cycle.stage in changes.CHANGEABLE_STAGES,
    }


@login_required
@require_GET
def participants(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone in the cycle, by name, searchable; who has a new manager;
    and the form to add someone."""
    _, cycle = managed_cycle(request, pk)
    context = _participants_context(request, cycle, ParticipantAddForm())
    return render(request, "reviews/cycles/participants.html", context)


@login_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, cycle = managed_cycle(request, pk)
    form = ParticipantAddForm(request.POST)
    if form.is_valid():
        employee = form.cleaned_data["employee"]
        try:
            changes.add_participant(
                actor=user, cycle=cycle, employee=employee, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{employee} now takes part, with their reviews.")
            return redirect("reviews:cycle_participant", pk=cycle.pk, employee_pk=employee.pk)
    context = _participants_context(request, cycle, form)
    return render(request, "reviews/cycles/participants.html", context, status=400)


@login_required
@require_GET
def participant_detail(request: HttpRequest, pk: int, employee_pk: int) -> HttpResponse:
    """One participant: their reviews (about them and by them, cancelled
    ones too) with the changes that apply to each."""
    _, cycle = managed_cycle(request, pk)
    participant = _participant(cycle, employee_pk)
    assignments = selectors_cycles.participant_assignments(cycle, participant.employee)
    current = selectors_cycles.current_manager(participant.employee)
    context = {
        "cycle": cycle,
        "participant": participant,
        "about": [a for a in assignments if a.reviewee_id == participant.employee_id],
        "by": [
            a for a in assignments if a.reviewer_id == participant.employee_id and a.kind != "self"
        ],
        "current_manager": current,
        "manager_changed": (current.pk if current else None) != participant.manager_id,
        "can_change": cycle.stage in changes.CHANGEABLE_STAGES,
        "submitted": AssignmentStatus.SUBMITTED,
        "self_kind": ReviewerKind.SELF,
    }
    return render(request, "reviews/cycles/participant.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def participant_remove(request: HttpRequest, pk: int, employee_pk: int) -> HttpResponse:
    """Confirm, with a reason, taking someone out of the cycle."""
    user, cycle = managed_cycle(request, pk)
    participant = _participant(cycle, employee_pk)
    form = ReasonForm(request.POST or None)
    back = reverse("reviews:cycle_participant", args=[cycle.pk, employee_pk])
    if request.method == "POST" and form.is_valid():
        try:
            changes.remove_participant(
                actor=user,
                cycle=cycle,
                employee=participant.employee,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{participant.employee} no longer takes part.")
            return redirect(back)
    return _change_page(
        request,
        status=400 if form.errors else 200,
        cycle=cycle,
        form=form,
        title=f"Remove {participant.employee} from {cycle.name}",
        explanation="Their reviews not yet submitted are cancelled (what was written is kept "
        "with them); submitted reviews are kept and still count.",
        submit="Remove from the cycle",
        danger=True,
        back=back,
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_manager(request: HttpRequest, pk: int, employee_pk: int) -> HttpResponse:
    """Confirm, with a reason, giving the manager review to the current
    manager."""
    user, cycle = managed_cycle(request, pk)
    participant = _participant(cycle, employee_pk)
    current = selectors_cycles.current_manager(participant.employee)
    form = ReasonForm(request.POST or None)
    back = reverse("reviews:cycle_participant", args=[cycle.pk, employee_pk])
    if request.method == "POST" and form.is_valid():
        try:
            changes.follow_manager_change(
                actor=user, participant=participant, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, f"{participant.employee}'s manager review follows the change."
            )
            return redirect(back)
    old = participant.manager or "nobody"
    return _change_page(
        request,
        status=400 if form.errors else 200,
        cycle=cycle,
        form=form,
        title=f"Follow {participant.employee}'s manager change",
        explanation=f"The manager review moves from {old} to {current or 'nobody'}. An open "
        "review by the old manager is cancelled; a submitted one is kept and still counts.",
        submit="Move the manager review",
        danger=True,
        back=back,
    )


# --- one review ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assignment_replace(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    """Give a review not yet submitted to someone else."""
    user, cycle = managed_cycle(request, pk)
    assignment = _assignment(cycle, assignment_pk)
    form = ReplaceReviewerForm(request.POST or None)
    back = reverse("reviews:cycle_participant", args=[cycle.pk, assignment.reviewee_id])
    if request.method == "POST" and form.is_valid():
        try:
            new = changes.replace_reviewer(
                actor=user,
                assignment=assignment,
                new_reviewer=form.cleaned_data["employee"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(
                form,
                ValidationError(
                    {
                        ("employee" if k == "reviewer" else k): v
                        for k, v in error.message_dict.items()
                    }
                ),
            )
        else:
            messages.success(request, f"{new.reviewer} now writes this review.")
            return redirect(back)
    return _change_page(
        request,
        status=400 if form.errors else 200,
        cycle=cycle,
        form=form,
        title=f"Replace {assignment.reviewer} as the {assignment.get_kind_display().lower()} "
        f"reviewer of {assignment.reviewee}",
        explanation="Their review is cancelled (anything written stays with it) and the new "
        "reviewer gets a fresh one.",
        submit="Replace the reviewer",
        danger=True,
        back=back,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_reopen(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    """Reopen a submitted review so its reviewer can change it."""
    user, cycle = managed_cycle(request, pk)
    assignment = _assignment(cycle, assignment_pk)
    form = ReasonForm(request.POST or None)
    back = reverse("reviews:cycle_participant", args=[cycle.pk, assignment.reviewee_id])
    if request.method == "POST" and form.is_valid():
        try:
            changes.reopen_assignment(
                actor=user, assignment=assignment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Reopened: {assignment.reviewer} can change it again.")
            return redirect(back)
    return _change_page(
        request,
        status=400 if form.errors else 200,
        cycle=cycle,
        form=form,
        title=f"Reopen {assignment.reviewer}'s {assignment.get_kind_display().lower()} review "
        f"of {assignment.reviewee}",
        explanation="The review goes back to in progress with its answers kept, so the "
        "reviewer can change and submit it again.",
        submit="Reopen the review",
        danger=False,
        back=back,
    )


@login_required
@require_http_methods(["GET", "POST"])
def phase_extend(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Move a phase's deadline later."""
    user, cycle = managed_cycle(request, pk)
    phase = CyclePhase.objects.filter(Q(cycle=cycle) & Q(kind=kind)).first()
    if phase is None:
        raise Http404("No such phase.")
    form = ExtendDeadlineForm(request.POST or None, current=phase.due_on)
    back = reverse("reviews:cycle_detail", args=[cycle.pk])
    if request.method == "POST" and form.is_valid():
        try:
            changes.extend_deadline(
                actor=user,
                phase=phase,
                due_on=form.cleaned_data["due_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{phase.get_kind_display()} is now due later.")
            return redirect(back)
    return _change_page(
        request,
        status=400 if form.errors else 200,
        cycle=cycle,
        form=form,
        title=f"Extend {phase.get_kind_display().lower()} (due {phase.due_on:%d %b %Y})",
        explanation="Deadlines only move later.",
        submit="Extend the deadline",
        danger=False,
        back=back,
    )

"""The 1:1 pages: my series, starting and ending one, a series with its
upcoming meetings and history, the meeting page (agenda, shared notes, my
private notes, action items, held / cancelled) and HR's cadence adherence
with its CSV export. Views parse input, call `services_meetings` or
`selectors_meetings` and render; visibility is the models' `visible_to`
(the two people of a 1:1; a meeting anyone else asks for is a 404)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.core.exports import download
from cadence.core.ids import parse_id
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.feedback import selectors_meetings as selectors
from cadence.feedback import services_meetings as services
from cadence.feedback.forms_meetings import (
    ActionItemForm,
    AdherenceFilterForm,
    AgendaItemForm,
    PrivateNoteForm,
    SeriesForm,
    SharedNotesForm,
    apply_service_errors,
)
from cadence.feedback.models import ActionItem, AgendaItem, Meeting, MeetingStatus

PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 10
OPEN_ACTIONS_SHOWN = 10
UPCOMING_SHOWN = 8
STATUS_DONE = {
    MeetingStatus.HELD: "Marked as held.",
    MeetingStatus.CANCELLED: "Marked as cancelled.",
    MeetingStatus.PLANNED: "Marked as planned again.",
}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted  # type: ignore[union-attr]


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(selectors.visible_meetings(_user(request)), pk=pk)


def _meeting_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("feedback:meeting", args=[meeting.pk])
    return f"{url}#{anchor}" if anchor else url


# --- my 1:1s -----------------------------------------------------------------------------


@login_required
@require_GET
def one_on_ones(request: HttpRequest) -> HttpResponse:
    """My series as manager and as report, with the next meeting and the
    open action items of each, and my own open action items."""
    user = _user(request)
    today = timezone.localdate()
    show_ended = request.GET.get("show") == "ended"
    q = request.GET.get("q", "").strip()[:100]
    series = selectors.series_for(user, today=today, active=not show_ended, q=q)
    page = Paginator(series, PAGE_SIZE).get_page(request.GET.get("page"))
    actions = selectors.action_items_for(user)
    viewer = viewer_for(user)
    return render(
        request,
        "feedback/meetings/list.html",
        {
            "page_obj": page,
            "show_ended": show_ended,
            "q": q,
            "me": viewer.employee_id,
            "today": today,
            "my_actions": list(actions[:OPEN_ACTIONS_SHOWN]),
            "my_actions_count": actions.count(),
            "can_start": bool(viewer.employee_path) or viewer.is_hr,
            "can_see_adherence": selectors.can_view_adherence(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def series_new(request: HttpRequest) -> HttpResponse:
    """Start a recurring 1:1 (a manager with a report; HR for a manager)."""
    user = _user(request)
    form = SeriesForm(request.POST or None, user=user, initial=_preselected(request))
    if not form.has_reports and not form.for_hr:
        return render(request, "feedback/meetings/series_form.html", {"form": None})
    if request.method == "POST" and form.is_valid():
        try:
            series = services.start_series(actor=user, **form.values())
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied:
            form.add_error(None, "You may set up 1:1s only with people who report to you.")
        else:
            messages.success(
                request, f"1:1s with {series.report} start on {series.starts_on:%-d %b %Y}."
            )
            if selectors.visible_series(user).filter(pk=series.pk).exists():
                return redirect("feedback:series", pk=series.pk)
            return redirect("feedback:one_on_ones")  # HR set it up: it is theirs, not HR's
    status = 400 if form.errors else 200
    return render(request, "feedback/meetings/series_form.html", {"form": form}, status=status)


def _preselected(request: HttpRequest) -> dict[str, Any]:
    report = parse_id(request.GET.get("report", ""))
    return {"report": report} if report is not None else {}


@login_required
@require_GET
def series(request: HttpRequest, pk: int) -> HttpResponse:
    """One series: who, how often, what is coming and the history."""
    user = _user(request)
    today = timezone.localdate()
    found = get_object_or_404(selectors.visible_series(user), pk=pk)
    history = Paginator(selectors.history(found, today), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "feedback/meetings/series.html",
        {
            "series": found,
            "upcoming": list(selectors.upcoming(found, today)[:UPCOMING_SHOWN]),
            "page_obj": history,
            "can_end": found.active and services.can_end(user, found),
            "is_manager": viewer_for(user).employee_id == found.manager_id,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def series_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then end a series (its manager)."""
    user = _user(request)
    found = get_object_or_404(selectors.visible_series(user), pk=pk)
    if not found.active or not services.can_end(user, found):
        raise Http404
    if request.method == "POST":
        services.end_series(actor=user, series=found)
        messages.success(request, f"Your 1:1s with {found.report} have ended.")
        return redirect("feedback:series", pk=found.pk)
    return render(request, "feedback/meetings/series_end.html", {"series": found})


# --- the meeting page ----------------------------------------------------------------------


def _meeting_context(request: HttpRequest, meeting: Meeting, **forms: Any) -> dict[str, Any]:
    user = _user(request)
    today = timezone.localdate()
    contents = selectors.meeting_contents(user, meeting)
    history = Paginator(selectors.history(meeting.series, today), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    me = viewer_for(user).employee_id
    return {
        "meeting": meeting,
        "series": meeting.series,
        "other": meeting.series.report
        if me == meeting.series.manager_id
        else meeting.series.manager,
        "me": me,
        "today": today,
        "contents": contents,
        "page_obj": history,
        "agenda_form": forms.get("agenda_form") or AgendaItemForm(),
        "notes_form": forms.get("notes_form")
        or SharedNotesForm(
            initial={"shared_notes": meeting.shared_notes, "version": meeting.version}
        ),
        "private_form": forms.get("private_form")
        or PrivateNoteForm(
            initial={"body": contents.private_note.body if contents.private_note else ""}
        ),
        "action_form": forms.get("action_form") or ActionItemForm(series=meeting.series),
        "can_hold": meeting.scheduled_on <= today,
    }


@login_required
@require_GET
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """The 1:1 page. A fixed number of queries whatever the agenda, action
    items or history."""
    found = _meeting(request, pk)
    return render(request, "feedback/meetings/meeting.html", _meeting_context(request, found))


def _invalid(request: HttpRequest, meeting: Meeting, **forms: Any) -> HttpResponse:
    return render(
        request,
        "feedback/meetings/meeting.html",
        _meeting_context(request, meeting, **forms),
        status=400,
    )


@login_required
@require_POST
def meeting_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark held, cancelled or planned again (held / cancelled carries the
    unfinished agenda items to the next meeting)."""
    found = _meeting(request, pk)
    status = request.POST.get("status", "")
    try:
        updated = services.set_meeting_status(actor=_user(request), meeting=found, status=status)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        text = STATUS_DONE.get(MeetingStatus(updated.status), "Saved.")
        carried = getattr(updated, "carried_count", 0)
        if carried:
            items = "agenda item" if carried == 1 else "agenda items"
            text += f" {carried} unfinished {items} moved to the next 1:1."
        messages.success(request, text)
    return redirect(_meeting_url(found))


@login_required
@require_POST
def meeting_notes(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the shared notes. Refused, with the other person's text kept,
    when they saved in between; with htmx (autosave) only the status line
    and the new version go back."""
    found = _meeting(request, pk)
    form = SharedNotesForm(request.POST)
    conflict = False
    if form.is_valid():
        try:
            found = services.update_shared_notes(
                actor=_user(request),
                meeting=found,
                shared_notes=form.cleaned_data["shared_notes"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            conflict = "version" in getattr(error, "error_dict", {})
            apply_service_errors(form, error)
    if _is_htmx(request):
        return render(
            request,
            "feedback/meetings/_notes_status.html",
            {"meeting": found, "form": form, "conflict": conflict},
        )
    if form.errors:
        return _invalid(request, found, notes_form=form)
    messages.success(request, "Shared notes saved.")
    return redirect(_meeting_url(found, "shared-notes"))


@login_required
@require_POST
def meeting_private_note(request: HttpRequest, pk: int) -> HttpResponse:
    """Save my private notes on this meeting (mine alone)."""
    found = _meeting(request, pk)
    form = PrivateNoteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, found, private_form=form)
    services.save_private_note(actor=_user(request), meeting=found, body=form.cleaned_data["body"])
    if _is_htmx(request):
        return HttpResponse('<span class="text-success">Saved.</span>')
    messages.success(request, "Your private notes are saved.")
    return redirect(_meeting_url(found, "private-notes"))


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            services.add_agenda_item(
                actor=_user(request), meeting=found, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
    if form.errors:
        return _invalid(request, found, agenda_form=form)
    return redirect(_meeting_url(found, "agenda"))


@login_required
@require_POST
def agenda_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick done / not done, move up / down, or remove one agenda item."""
    user = _user(request)
    item = get_object_or_404(
        AgendaItem.objects.filter(meeting__in=selectors.visible_meetings(user)).select_related(
            "meeting"
        ),
        pk=pk,
    )
    action = request.POST.get("action", "")
    try:
        if action in ("done", "undone"):
            services.update_agenda_item(actor=user, item=item, done=action == "done")
        elif action in ("up", "down"):
            services.move_agenda_item(actor=user, item=item, up=action == "up")
        elif action == "delete":
            services.delete_agenda_item(actor=user, item=item)
            messages.success(request, "Agenda item removed.")
        else:
            raise Http404
    except PermissionDenied as error:
        messages.error(request, str(error) or "You may not change this item.")
    return redirect(_meeting_url(item.meeting, "agenda"))


@login_required
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    form = ActionItemForm(request.POST, series=found.series)
    if form.is_valid():
        try:
            services.add_action_item(actor=_user(request), meeting=found, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
    if form.errors:
        return _invalid(request, found, action_form=form)
    return redirect(_meeting_url(found, "action-items"))


@login_required
@require_POST
def action_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an action item done or open again; back to where it was ticked."""
    user = _user(request)
    item = get_object_or_404(ActionItem.objects.visible_to(user).select_related("meeting"), pk=pk)
    services.update_action_item(actor=user, item=item, done=request.POST.get("done") == "1")
    target = request.POST.get("next", "")
    if target == "list":
        return redirect("feedback:one_on_ones")
    return redirect(_meeting_url(item.meeting, "action-items"))


# --- adherence (HR) ------------------------------------------------------------------------


def _adherence_query(request: HttpRequest) -> tuple[AdherenceFilterForm, Any, tuple[Any, Any]]:
    user = _user(request)
    if not selectors.can_view_adherence(user):
        raise Http404
    today = timezone.localdate()
    form = AdherenceFilterForm(request.GET or None)
    start, end = form.range(today)
    rows = selectors.adherence(user, start=start, end=end, today=today, q=form.search())
    return form, rows, (start, end)


@login_required
@require_GET
def adherence(request: HttpRequest) -> HttpResponse:
    """Held vs planned 1:1s per manager, worst first (HR admin: everyone;
    an HRBP: their departments). Counts only."""
    form, rows, (start, end) = _adherence_query(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for manager in page.object_list:
        manager.percent = selectors.adherence_percent(manager.held, manager.planned)
    return render(
        request,
        "feedback/meetings/adherence.html",
        {"form": form, "page_obj": page, "start": start, "end": end},
    )


def _adherence_rows(rows: Any) -> Iterator[list[Any]]:
    yield [
        "Manager",
        "Employee number",
        "Department",
        "Planned",
        "Held",
        "Cancelled",
        "Adherence %",
    ]
    for m in rows.iterator(chunk_size=2000):
        yield [
            m.full_name,
            m.employee_number,
            m.department.name if m.department else "",
            m.planned,
            m.held,
            m.cancelled,
            selectors.adherence_percent(m.held, m.planned),
        ]


@login_required
@require_GET
def adherence_export(request: HttpRequest) -> HttpResponseBase:
    """The adherence table as CSV or XLSX (?format=): counts only, never any
    note, agenda or action text."""
    _, rows, (start, end) = _adherence_query(request)
    return download(
        _adherence_rows(rows),
        fmt=request.GET.get("format", "csv"),
        basename=f"one-on-one-adherence-{start:%Y%m%d}-{end:%Y%m%d}",
        sheet="Adherence",
    )

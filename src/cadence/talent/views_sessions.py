"""The calibration session pages: the list, a new session, a session's
summary (participants, set-up, open and close with a confirmation), the
performance × potential grid (drag and drop or the keyboard: every card has
a Move control opening the same form), the people list with its filters,
CSV export and import, and one person's history. Views parse input, call
one service or selector and render; a session or person the viewer may not
see is a 404, something they see but may not do a 403."""

from __future__ import annotations

import io
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.core.exports import download
from cadence.core.ids import parse_id
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.core.upload_tokens import read_upload, sign_upload
from cadence.people.models import Department
from cadence.reviews.models import RatingLevel
from cadence.talent import entries_import
from cadence.talent import selectors_sessions as selectors
from cadence.talent import services_sessions as services
from cadence.talent.forms_sessions import (
    GUIDANCE_PREFIX,
    EntryFilterForm,
    EntryImportForm,
    MoveForm,
    SessionFilterForm,
    SessionForm,
    SessionSetupForm,
    TransitionForm,
    apply_service_errors,
)
from cadence.talent.grid import ScaleBands
from cadence.talent.models import CalibrationEntry, CalibrationSession, SessionState

IMPORT_SALT = "cadence.talent.session-import"
MAX_ERRORS_SHOWN = 200
MOVE_PREFIX = "move-%s"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _session(request: HttpRequest, pk: int) -> CalibrationSession:
    try:
        return selectors.visible_session(_user(request), pk)
    except CalibrationSession.DoesNotExist:
        raise Http404("No such calibration session.") from None


def _entry(request: HttpRequest, session: CalibrationSession, pk: int) -> CalibrationEntry:
    try:
        return selectors.visible_entry(_user(request), session, pk)
    except CalibrationEntry.DoesNotExist:
        raise Http404("No such person in this session.") from None


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx and not htmx.boosted and not htmx.history_restore_request)


def _base_context(request: HttpRequest, session: CalibrationSession) -> dict[str, Any]:
    powers = services.powers_in(_user(request), session)
    return {
        "session": session,
        "powers": powers,
        "is_open": session.state == SessionState.OPEN,
        "is_locked": session.state == SessionState.LOCKED,
    }


# --- the list and a new session ---------------------------------------------------------------


@login_required
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    """The sessions the viewer may see: HR's, the ones they facilitate or take part in."""
    user = _user(request)
    form = SessionFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(selectors.sessions_for(user, filters), settings.CADENCE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page_obj": page,
        "sessions": list(page.object_list),
        "filtered": filters != selectors.SessionFilters(),
        "can_create": services.can_create_sessions(user),
    }
    if _is_htmx(request):
        return render(request, "talent/sessions/list.html#results", context)
    return render(request, "talent/sessions/list.html", context)


def _creatable_departments(user: User) -> Any:
    viewer = viewer_for(user)
    if viewer.is_hr_admin:
        return Department.objects.order_by("path")
    return Department.objects.filter(pk__in=viewer.hrbp_department_ids).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest) -> HttpResponse:
    """Set up a session: the cycle, the population, the facilitator and the participants."""
    user = _user(request)
    if not services.can_create_sessions(user):
        raise Http404
    form = SessionForm(
        request.POST or None,
        departments=_creatable_departments(user),
        initial={"facilitator": user.pk},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = form.values()
            try:
                session = services.create_session(actor=user, **values)
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied:
                form.add_error(
                    None,
                    "You may set up sessions for departments in your scope only; "
                    "ask an HR admin for a job level or a list.",
                )
            else:
                messages.success(
                    request, f"Session “{session.name}” set up as a draft. Open it when you meet."
                )
                return redirect("talent:session_detail", pk=session.pk)
    return render(request, "talent/sessions/new.html", {"form": form}, status=status)


# --- one session ------------------------------------------------------------------------------


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary: cycle, population, facilitator, participants, state and what to do next."""
    session = _session(request, pk)
    user = _user(request)
    context = _base_context(request, session)
    context |= {
        "participants": selectors.participants_of(session),
        "visible_people": selectors.entries_for(user, session).count(),
        "total_people": session.entries.count(),
        "changed_people": selectors.entries_for(
            user, session, selectors.EntryFilters(changed=True)
        ).count(),
    }
    response = render(request, "talent/sessions/detail.html", context)
    add_never_cache_headers(response)
    return response


def _participant_numbers(session: CalibrationSession) -> str:
    return "\n".join(p.employee_number for p in selectors.participants_of(session))


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the set-up (HR running the session), until it is closed."""
    session = _session(request, pk)
    user = _user(request)
    if not services.powers_in(user, session).runs:
        raise PermissionDenied
    initial = {
        "name": session.name,
        "facilitator": session.facilitator_id,
        "participants": _participant_numbers(session),
        "share_whole_view": session.share_whole_view,
        "min_team_size": session.min_team_size,
        "scheduled_for": session.scheduled_for,
        "version": session.version,
    }
    guidance = session.guidance if isinstance(session.guidance, dict) else {}
    initial |= {f"{GUIDANCE_PREFIX}{key}": value for key, value in guidance.items()}
    levels = list(RatingLevel.objects.filter(scale_id=session.cycle.template.rating_scale_id))
    form = SessionSetupForm(request.POST or None, initial=initial, levels=levels)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            participants = data.pop("participants")
            data["guidance"] = form.pop_guidance(data)
            try:
                services.update_session(
                    actor=user,
                    session=session,
                    expected_version=version,
                    participants=participants if participants is not None else [],
                    **data,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Set-up saved.")
                return redirect("talent:session_detail", pk=session.pk)
    context = _base_context(request, session) | {"form": form}
    return render(request, "talent/sessions/edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def session_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Open or close the session. GET ?to=open|locked asks for a
    confirmation; POST does it."""
    session = _session(request, pk)
    user = _user(request)
    powers = services.powers_in(user, session)
    data = request.POST if request.method == "POST" else request.GET
    form = TransitionForm(data)
    if not form.is_valid():
        messages.error(request, "Choose whether to open or close the session.")
        return redirect("talent:session_detail", pk=session.pk)
    to = form.cleaned_data["to"]
    allowed = powers.runs if to == SessionState.OPEN else powers.locks
    if not allowed:
        raise PermissionDenied
    if request.method == "GET":
        context = _base_context(request, session) | {"to": to}
        return render(request, "talent/sessions/transition.html", context)
    version = form.cleaned_data.get("version")
    try:
        if to == SessionState.OPEN:
            services.open_session(actor=user, session=session, expected_version=version)
            messages.success(request, "The session is open: people can be moved, with a reason.")
        else:
            summary = services.lock_session(actor=user, session=session, expected_version=version)
            text = (
                f"The session is closed. {summary.applied} calibrated "
                f"rating{'s' if summary.applied != 1 else ''} written into the review results."
            )
            if summary.released:
                text += (
                    f" {summary.released} result{'s were' if summary.released != 1 else ' was'} "
                    "already released and kept as released."
                )
            messages.success(request, text)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("talent:session_detail", pk=session.pk)


# --- the grid and moves -----------------------------------------------------------------------


def _move_form(
    bands: ScaleBands, data: Any = None, initial: dict[str, Any] | None = None
) -> MoveForm:
    return MoveForm(data, bands=bands, initial=initial, auto_id=MOVE_PREFIX)


@login_required
@require_GET
def session_grid(request: HttpRequest, pk: int) -> HttpResponse:
    """The 3 × 3 grid of the people the viewer may see, placed where they sit now."""
    session = _session(request, pk)
    user = _user(request)
    context = _base_context(request, session)
    powers = context["powers"]
    may_move = powers.may_move_entry if context["is_open"] else (lambda entry: False)
    grid = selectors.build_grid(
        selectors.scale_levels(session), list(selectors.entries_for(user, session)), may_move
    )
    movable = any(card.movable for cell in grid.cells for card in cell.cards)
    context |= {
        "grid": grid,
        "move_form": _move_form(grid.bands) if movable else None,
        "people_url": reverse("talent:session_people", args=[session.pk]),
    }
    response = render(request, "talent/sessions/grid.html", context)
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def session_entry(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """One person: the three ratings side by side, potential, every change
    with its reason, who and when; and (while open, for who may) the move form."""
    session = _session(request, pk)
    entry = _entry(request, session, entry_pk)
    context = _base_context(request, session)
    bands = ScaleBands(selectors.scale_levels(session))
    may_move = context["is_open"] and context["powers"].may_move_entry(entry)
    status = 200
    form: MoveForm | None = None
    if request.method == "POST":
        form, moved = _move(request, session, entry, bands)
        if moved:
            return redirect(_back(request, session, entry))
        status = 400
    elif may_move:
        box = bands.box(entry.current_level_id, entry.potential)
        form = _move_form(
            bands,
            initial={"entry": entry.pk, "version": entry.version, "box": box.key if box else ""},
        )
    context |= {
        "entry": entry,
        "changes": selectors.entry_changes(entry),
        "box": bands.box(entry.current_level_id, entry.potential),
        "move_form": form,
        "may_move": may_move,
    }
    response = render(request, "talent/sessions/entry.html", context, status=status)
    add_never_cache_headers(response)
    return response


def _back(request: HttpRequest, session: CalibrationSession, entry: CalibrationEntry) -> str:
    if request.POST.get("next") == "grid":
        return reverse("talent:session_grid", args=[session.pk]) + f"#entry-{entry.pk}"
    return reverse("talent:session_entry", args=[session.pk, entry.pk])


def _move(
    request: HttpRequest, session: CalibrationSession, entry: CalibrationEntry, bands: ScaleBands
) -> tuple[MoveForm, bool]:
    form = _move_form(bands, request.POST)
    if not form.is_valid():
        return form, False
    try:
        level, potential = form.target(entry)
        services.move_entry(
            actor=_user(request),
            entry=entry,
            calibrated_level=level,
            potential=potential,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data.get("version"),
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return form, False
    entry.refresh_from_db()
    box = bands.box(entry.current_level_id, entry.potential)
    messages.success(
        request,
        f"Moved {entry.employee.full_name} to {box.label if box else 'their new place'}"
        f" ({entry.calibrated_level or 'no calibrated rating'}).",
    )
    return form, True


@login_required
@require_POST
def session_move(request: HttpRequest, pk: int) -> HttpResponse:
    """The grid's move form (drag and drop or the Move button): back to the
    grid on success, to the person's page with the errors otherwise."""
    session = _session(request, pk)
    entry_id = parse_id(request.POST.get("entry", ""))
    if entry_id is None:
        raise Http404
    entry = _entry(request, session, entry_id)
    return session_entry(request, session.pk, entry.pk)


# --- the people list, export and import -------------------------------------------------------


def _entry_filter_form(request: HttpRequest, session: CalibrationSession) -> EntryFilterForm:
    managers, departments = selectors.filter_choices(_user(request), session)
    return EntryFilterForm(
        request.GET or None,
        managers=managers,
        departments=departments,
        levels=selectors.scale_levels(session),
    )


@login_required
@require_GET
def session_people(request: HttpRequest, pk: int) -> HttpResponse:
    """The same people as the grid, as a table with filters and search."""
    session = _session(request, pk)
    user = _user(request)
    form = _entry_filter_form(request, session)
    filters = form.filters()
    page = Paginator(
        selectors.entries_for(user, session, filters), settings.CADENCE_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = _base_context(request, session) | {
        "form": form,
        "page_obj": page,
        "entries": list(page.object_list),
        "filtered": filters.active,
        "query": request.GET.urlencode(),
    }
    if _is_htmx(request):
        response = render(request, "talent/sessions/people.html#results", context)
    else:
        response = render(request, "talent/sessions/people.html", context)
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def session_people_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The list's rows (its filters applied) as CSV: only people the viewer may see."""
    session = _session(request, pk)
    filters = _entry_filter_form(request, session).filters()
    return download(
        entries_import.export_rows(_user(request), session, filters),
        fmt="csv",
        basename=f"calibration-{session.pk}",
        sheet="People",
    )


def _import_token(user: User, session: CalibrationSession, filename: str, data: bytes) -> str:
    return sign_upload(
        salt=IMPORT_SALT,
        user_id=user.pk,
        bound={"session": session.pk},
        filename=filename,
        data=data,
    )


def _import_untoken(user: User, session: CalibrationSession, token: str) -> tuple[str, bytes]:
    """The file of a preview's token; 404 when forged, stale, someone else's
    or for another session."""
    _, filename, data = read_upload(
        token, salt=IMPORT_SALT, user_id=user.pk, bound={"session": session.pk}
    )
    return filename, data


def _run_import(
    user: User, session: CalibrationSession, filename: str, data: bytes, *, dry_run: bool
) -> entries_import.EntryImportResult:
    return entries_import.import_entries(
        actor=user, session=session, fileobj=io.BytesIO(data), filename=filename, dry_run=dry_run
    )


def _errors_context(result: entries_import.EntryImportResult) -> dict[str, Any]:
    return {
        "errors": result.errors[:MAX_ERRORS_SHOWN],
        "error_count": len(result.errors),
        "more_errors": max(len(result.errors) - MAX_ERRORS_SHOWN, 0),
    }


@login_required
@require_http_methods(["GET", "POST"])
def session_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1: upload a file of moves; it is checked at once (a dry run,
    nothing saved): every bad row listed, or a preview of the moves."""
    session = _session(request, pk)
    user = _user(request)
    form = EntryImportForm(request.POST or None, request.FILES or None)
    context = _base_context(request, session) | {
        "form": form,
        "columns": entries_import.IMPORT_COLUMNS,
    }
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            filename = upload.name or "upload.csv"
            result = _run_import(user, session, filename, data, dry_run=True)
            context |= {"filename": filename, "result": result, **_errors_context(result)}
            if result.ok:
                context["token"] = _import_token(user, session, filename, data)
                return render(request, "talent/sessions/import_preview.html", context)
    return render(request, "talent/sessions/import.html", context, status=status)


@login_required
@require_POST
def session_import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: make every move in the previewed file, or none."""
    session = _session(request, pk)
    user = _user(request)
    filename, data = _import_untoken(user, session, request.POST.get("token", ""))
    result = _run_import(user, session, filename, data, dry_run=False)
    if not result.ok:
        # Something changed since the preview (someone moved a person, the session closed).
        context = _base_context(request, session) | {
            "form": EntryImportForm(),
            "columns": entries_import.IMPORT_COLUMNS,
            "filename": filename,
            "result": result,
            **_errors_context(result),
        }
        return render(request, "talent/sessions/import.html", context, status=400)
    messages.success(
        request,
        f"Imported {filename}: {result.updated} "
        f"{'people' if result.updated != 1 else 'person'} moved, {result.unchanged} unchanged.",
    )
    return redirect("talent:session_people", pk=session.pk)

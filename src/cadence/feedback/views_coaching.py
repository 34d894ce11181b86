"""The coaching journal pages: the people a manager may keep notes about,
and one person's journal (dated entries: add, edit, delete with a
confirmation). Every read is `CoachingNote.objects.visible_to` — the
author's own notes, nobody else's (not the report, not HR, not the author's
manager); a page anyone else asks for is a 404."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cadence.core.models import User
from cadence.feedback import services_coaching as coaching
from cadence.feedback.forms_meetings import CoachingNoteForm, apply_service_errors
from cadence.feedback.models import CoachingNote
from cadence.people.models import Employee

PAGE_SIZE = 25
NOTES_PER_PAGE = 20


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
@require_GET
def coaching_list(request: HttpRequest) -> HttpResponse:
    """My reports (and anyone I already have notes about), to open a journal."""
    q = request.GET.get("q", "").strip()[:100]
    people = coaching.coaching_reports(_user(request), q=q)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/coaching/list.html", {"page_obj": page, "q": q})


def _report(request: HttpRequest, employee_pk: int) -> tuple[Employee, bool]:
    """The person, and whether the viewer may add notes about them. 404
    unless the viewer manages them or already has notes about them."""
    user = _user(request)
    report = get_object_or_404(Employee.objects.select_related("department"), pk=employee_pk)
    can_write = coaching.can_write_about(user, report)
    if not can_write and not coaching.journal(user, report).exists():
        raise Http404
    return report, can_write


@login_required
@require_http_methods(["GET", "POST"])
def coaching_journal(request: HttpRequest, employee_pk: int) -> HttpResponse:
    """My journal about one person, newest first, with the form to add one."""
    user = _user(request)
    report, can_write = _report(request, employee_pk)
    form = CoachingNoteForm(request.POST or None) if can_write else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                coaching.add_coaching_note(actor=user, report=report, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Note added to your journal.")
                return redirect("feedback:coaching_journal", employee_pk=report.pk)
    page = Paginator(coaching.journal(user, report), NOTES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "feedback/coaching/journal.html",
        {"report": report, "form": form, "page_obj": page, "can_write": can_write},
        status=400 if form is not None and form.errors else 200,
    )


def _own_note(request: HttpRequest, pk: int) -> CoachingNote:
    return get_object_or_404(
        CoachingNote.objects.visible_to(_user(request)).select_related("report"), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def coaching_edit(request: HttpRequest, pk: int) -> HttpResponse:
    note = _own_note(request, pk)
    form = CoachingNoteForm(
        request.POST or None, initial={"noted_on": note.noted_on, "body": note.body}
    )
    if request.method == "POST" and form.is_valid():
        try:
            coaching.update_coaching_note(actor=_user(request), note=note, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Note saved.")
            return redirect("feedback:coaching_journal", employee_pk=note.report_id)
    return render(
        request,
        "feedback/coaching/edit.html",
        {"note": note, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def coaching_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete a note for good."""
    note = _own_note(request, pk)
    if request.method == "POST":
        coaching.delete_coaching_note(actor=_user(request), note=note)
        messages.success(request, "Note deleted.")
        return redirect("feedback:coaching_journal", employee_pk=note.report_id)
    return render(request, "feedback/coaching/delete.html", {"note": note})

"""The historical results import page (HR admins; 404 for anyone else):
upload a file and a scale → a dry run (every problem listed, nothing
saved) → a preview of what saving would do → save (checked again; all or
nothing). The rules are in reviews/history_import.py.

Between the preview and the save the file travels in the page as a signed,
compressed token bound to the uploader and the scale, so nothing is kept on
the server and a token cannot be replayed by someone else or altered."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cadence.core.models import User
from cadence.core.upload_tokens import read_upload, sign_upload
from cadence.people.forms import BootstrapFormMixin
from cadence.people.importing_files import MAX_FILE_BYTES, MAX_ROWS
from cadence.reviews.access import can_manage_cycles
from cadence.reviews.history_import import IMPORT_COLUMNS, HistoryImportResult, import_history
from cadence.reviews.models import RatingScale

SALT = "cadence.reviews.history-import"
MAX_ERRORS_SHOWN = 200


class HistoryUploadForm(BootstrapFormMixin, forms.Form):
    """A CSV or XLSX file of past ratings, and the scale they are on."""

    scale = forms.ModelChoiceField(
        queryset=RatingScale.objects.order_by("name"),
        label="Rating scale",
        help_text="The ratings in the file are levels of this scale (a value or a label).",
    )
    file = forms.FileField(
        label="Historical results file",
        help_text=(
            f"A .csv (UTF-8) or .xlsx file, at most {MAX_FILE_BYTES // (1024 * 1024)} MB and "
            f"{MAX_ROWS:,} rows. The first row holds the column headers."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        return upload


def _hr_admin(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not can_manage_cycles(user):
        raise Http404
    return user


def _run(
    user: User, scale: RatingScale, filename: str, data: bytes, *, dry_run: bool
) -> HistoryImportResult:
    return import_history(
        actor=user, fileobj=io.BytesIO(data), filename=filename, scale=scale, dry_run=dry_run
    )


def _errors_context(result: HistoryImportResult) -> dict[str, Any]:
    return {
        "errors": result.errors[:MAX_ERRORS_SHOWN],
        "error_count": len(result.errors),
        "error_lines": len({e.line for e in result.errors if e.line}),
        "more_errors": max(len(result.errors) - MAX_ERRORS_SHOWN, 0),
    }


def _token(user: User, scale: RatingScale, filename: str, data: bytes) -> str:
    return sign_upload(
        salt=SALT, user_id=user.pk, bound={"scale": scale.pk}, filename=filename, data=data
    )


def _untoken(user: User, token: str) -> tuple[RatingScale, str, bytes]:
    """The scale, file name and bytes of a preview's token; 404 when it is
    forged, stale, someone else's or its scale is gone."""
    payload, filename, data = read_upload(token, salt=SALT, user_id=user.pk)
    scale_id = payload.get("scale")
    scale = RatingScale.objects.filter(pk=scale_id).first() if isinstance(scale_id, int) else None
    if scale is None:
        raise Http404
    return scale, filename, data


@login_required
@require_http_methods(["GET", "POST"])
def history_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: upload a file and choose its scale; it is checked at once (a
    dry run). A file with any bad row is reported here; a good one goes to
    the preview."""
    user = _hr_admin(request)
    form = HistoryUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "columns": IMPORT_COLUMNS}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            filename = upload.name or "upload.csv"
            scale = form.cleaned_data["scale"]
            result = _run(user, scale, filename, data, dry_run=True)
            if result.ok:
                context = {
                    "result": result,
                    "filename": filename,
                    "scale": scale,
                    "token": _token(user, scale, filename, data),
                }
                return render(request, "reviews/admin/history_preview.html", context)
            context |= {"filename": filename, **_errors_context(result)}
    return render(request, "reviews/admin/history.html", context, status=status)


@login_required
@require_POST
def history_apply(request: HttpRequest) -> HttpResponse:
    """Step 2: save every row of the previewed file, or nothing."""
    user = _hr_admin(request)
    scale, filename, data = _untoken(user, request.POST.get("token", ""))
    result = _run(user, scale, filename, data, dry_run=False)
    if not result.ok:
        # Something changed since the preview (a person or a cycle renamed).
        context = {
            "form": HistoryUploadForm(initial={"scale": scale.pk}),
            "columns": IMPORT_COLUMNS,
            "filename": filename,
            **_errors_context(result),
        }
        return render(request, "reviews/admin/history.html", context, status=400)
    messages.success(
        request,
        f"Imported {result.rows} historical result{'s' if result.rows != 1 else ''} from "
        f"{filename}: {result.created} new, {result.updated} updated, {result.unchanged} "
        f"unchanged; {result.cycles_created} new cycle{'s' if result.cycles_created != 1 else ''}.",
    )
    return redirect("reviews:history_upload")

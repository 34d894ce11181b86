"""Employee import (HR admin: upload → map columns → preview → apply →
result) and export (anyone in the organisation: CSV or XLSX of what they
may see). Between the import steps the parsed file is kept on disk under
VAR_DIR/imports, named by a random token and bound to the uploader."""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
)
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.core.exports import download
from cadence.core.permissions import viewer_for
from cadence.people.exporting import SHEET, export_rows
from cadence.people.forms import DirectoryFilterForm
from cadence.people.forms_transfer import ImportConfirmForm, ImportMappingForm, ImportUploadForm
from cadence.people.importing import (
    FIELD_LABELS,
    ImportFileError,
    ImportPlan,
    Table,
    apply_import,
    parse_file,
    suggest_mapping,
    validate,
)

View = Callable[..., HttpResponse]
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")
STASH_SECONDS = 24 * 3600
RESULT_KEY = "cadence_import_result"
MAX_ERRORS_SHOWN = 1000


def hr_admin_only(view: View) -> View:
    """Signed in and an HR admin; anyone else gets a 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not viewer_for(request.user).is_hr_admin:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


# --- the stash of an upload between steps ------------------------------------


def _stash_dir() -> Path:
    directory = Path(settings.VAR_DIR) / "imports"
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def _stash_path(token: str) -> Path:
    if not TOKEN_RE.match(token):
        raise Http404
    return _stash_dir() / f"{token}.json"


def _save_stash(token: str, data: dict[str, Any]) -> None:
    path = _stash_path(token)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    temporary.replace(path)


def _load_stash(request: HttpRequest, token: str) -> dict[str, Any]:
    path = _stash_path(token)
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise Http404 from None
    if data.get("user_id") != request.user.pk:
        raise Http404
    return data


def _forget_stash(token: str) -> None:
    _stash_path(token).unlink(missing_ok=True)


def _sweep_old_stashes() -> None:
    cutoff = time.time() - STASH_SECONDS
    for path in _stash_dir().glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue


# --- import --------------------------------------------------------------------


@hr_admin_only
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: upload a CSV or XLSX file."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = parse_file(upload, upload.name)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            _sweep_old_stashes()
            token = secrets.token_urlsafe(16)
            _save_stash(
                token,
                {
                    "user_id": request.user.pk,
                    "filename": upload.name,
                    "table": table.to_json(),
                    "mapping": suggest_mapping(table.headers),
                },
            )
            return redirect("transfer:import_mapping", token=token)
    return render(request, "people/transfer/import_upload.html", {"form": form})


@hr_admin_only
@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: say which Cadence field each column of the file fills."""
    stash = _load_stash(request, token)
    table = Table.from_json(stash["table"])
    form = ImportMappingForm(
        request.POST or None, headers=table.headers, initial_mapping=stash["mapping"]
    )
    if request.method == "POST" and form.is_valid():
        stash["mapping"] = form.mapping()
        _save_stash(token, stash)
        return redirect("transfer:import_preview", token=token)
    samples = {
        header: [row[i] for row in table.rows[:3] if row[i]]
        for i, header in enumerate(table.headers)
    }
    columns = [
        (form[ImportMappingForm.field_name(i)], samples[h]) for i, h in enumerate(table.headers)
    ]
    context = {
        "form": form,
        "columns": columns,
        "token": token,
        "filename": stash["filename"],
        "row_count": len(table.rows),
    }
    return render(request, "people/transfer/import_mapping.html", context)


@hr_admin_only
@require_GET
def import_preview(request: HttpRequest, token: str) -> HttpResponse:
    """Step 3: every bad row, or what applying the file would do."""
    stash = _load_stash(request, token)
    plan = validate(Table.from_json(stash["table"]), stash["mapping"])
    return _with_counts(request, token, stash, plan)


def _with_counts(
    request: HttpRequest,
    token: str,
    stash: dict[str, Any],
    plan: ImportPlan,
    form: ImportConfirmForm | None = None,
) -> HttpResponse:
    """The preview page: every bad row, or the counts and the confirm form."""
    context = {
        "token": token,
        "filename": stash["filename"],
        "mapping": [
            (header, FIELD_LABELS.get(name, "")) for header, name in stash["mapping"].items()
        ],
        "form": form or ImportConfirmForm(),
        "plan": plan,
        "errors": plan.errors[:MAX_ERRORS_SHOWN],
        "error_count": len(plan.errors),
        "error_lines": len({e.line for e in plan.errors}),
        "more_errors": max(len(plan.errors) - MAX_ERRORS_SHOWN, 0),
    }
    return render(request, "people/transfer/import_preview.html", context)


@hr_admin_only
@require_POST
def import_apply(request: HttpRequest, token: str) -> HttpResponse:
    """Step 4: apply the whole file, or nothing."""
    stash = _load_stash(request, token)
    table = Table.from_json(stash["table"])
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        return _with_counts(request, token, stash, validate(table, stash["mapping"]), form)
    result = apply_import(
        actor=request.user,  # type: ignore[arg-type]
        table=table,
        mapping=stash["mapping"],
        filename=stash["filename"],
    )
    if not result.ok:
        return _with_counts(request, token, stash, validate(table, stash["mapping"]), form)
    _forget_stash(token)
    request.session[RESULT_KEY] = {
        "filename": stash["filename"],
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }
    return redirect("transfer:import_result")


@hr_admin_only
@require_GET
def import_result(request: HttpRequest) -> HttpResponse:
    """Step 5: what the import did."""
    result = request.session.get(RESULT_KEY)
    if not result:
        return redirect("transfer:import_upload")
    return render(request, "people/transfer/import_result.html", {"result": result})


# --- export --------------------------------------------------------------------


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponseBase:
    """The directory (same filters) as CSV or XLSX, with only what the user may see."""
    if not viewer_for(request.user).in_organisation:
        raise Http404
    filters = DirectoryFilterForm(request.GET).filters()
    rows = export_rows(request.user, filters)  # type: ignore[arg-type]
    return download(rows, fmt=request.GET.get("format", "csv"), basename="employees", sheet=SHEET)

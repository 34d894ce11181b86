"""The HR admin's pages for rating scales and review templates (lists,
the scale form, the template builder, copy and archive), and the template
preview that everyone in the organisation may read. The admin pages exist
only for HR admins: anyone else gets 404. Writes go through
`services_admin`; reads through `selectors_admin`."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from cadence.core.models import User
from cadence.reviews import selectors_admin as selectors
from cadence.reviews import services_admin as services
from cadence.reviews.forms_admin import (
    CopyTemplateForm,
    ProgrammeFilterForm,
    ScaleEditor,
    apply_service_errors,
)
from cadence.reviews.forms_admin_builder import TemplateBuilder
from cadence.reviews.models import (
    RatingScale,
    ReviewerKind,
    ReviewTemplate,
    SectionKind,
)

PREVIEW_TABS = {
    ReviewerKind.SELF.value: "Self review",
    ReviewerKind.MANAGER.value: "Manager",
    ReviewerKind.PEER.value: "Peer",
    ReviewerKind.UPWARD.value: "Upward",
}
ASKED_OF = {
    ReviewerKind.SELF.value: "the reviewee, about themself",
    ReviewerKind.MANAGER.value: "the reviewee's manager",
    ReviewerKind.PEER.value: "a peer",
    ReviewerKind.UPWARD.value: "a report, about their manager",
}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _hr_admin(request: HttpRequest) -> User:
    """The signed-in HR admin; anyone else gets a 404 (the pages do not
    exist for them)."""
    user = _user(request)
    if not selectors.can_design_programme(user):
        raise Http404
    return user


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """After a save: a redirect, or htmx's way of asking for one."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _scale(request: HttpRequest, pk: int) -> RatingScale:
    try:
        return selectors.get_scale(_user(request), pk)
    except RatingScale.DoesNotExist:
        raise Http404 from None


def _template(request: HttpRequest, pk: int) -> ReviewTemplate:
    try:
        return selectors.get_template(_user(request), pk)
    except ReviewTemplate.DoesNotExist:
        raise Http404 from None


def _list_context(request: HttpRequest, queryset: Any, form: ProgrammeFilterForm) -> dict[str, Any]:
    page = Paginator(queryset, settings.CADENCE_PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "form": form,
        "page_obj": page,
        "filtered": bool(request.GET.get("q") or request.GET.get("archived")),
    }


# --- rating scales ---------------------------------------------------------------------


@login_required
@require_GET
def scale_list(request: HttpRequest) -> HttpResponse:
    """Every rating scale with its levels and how many templates use it."""
    user = _hr_admin(request)
    form = ProgrammeFilterForm(request.GET or None)
    context = _list_context(request, selectors.scales_for(user, form.filters()), form)
    name = "reviews/admin/scale_list.html"
    return render(request, f"{name}#results" if _is_htmx(request) else name, context)


@login_required
@require_http_methods(["GET", "POST"])
def scale_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or change a scale and its levels; "add a level" and "remove"
    re-render the form without saving. A concurrent change is reported."""
    user = _hr_admin(request)
    scale = _scale(request, pk) if pk is not None else None
    editor = ScaleEditor(request.POST if request.method == "POST" else None, scale=scale)
    if editor.is_valid():
        try:
            saved = services.save_scale(
                actor=user, scale=scale, expected_version=editor.version, **editor.values()
            )
        except ValidationError as error:
            editor.apply_service_errors(error)
        else:
            messages.success(request, f"Saved the rating scale “{saved.name}”.")
            return _go(request, reverse("reviews:admin_scale_list"))
    locked = selectors.cycles_locking_scale(scale) if scale is not None else []
    return render(
        request,
        "reviews/admin/scale_form.html",
        {"editor": editor, "scale": scale, "locked_by": locked},
    )


@login_required
@require_http_methods(["GET", "POST"])
def scale_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then archive a scale (or restore an archived one)."""
    user = _hr_admin(request)
    scale = _scale(request, pk)
    if request.method == "POST":
        archived = not scale.is_archived
        services.archive_scale(actor=user, scale=scale, archived=archived)
        verb = "Archived" if archived else "Restored"
        messages.success(request, f"{verb} the rating scale “{scale.name}”.")
        return redirect("reviews:admin_scale_list")
    return render(
        request,
        "reviews/admin/confirm_archive.html",
        {
            "object": scale,
            "what": "rating scale",
            "used_by": _plural(scale.template_count, "template"),  # type: ignore[attr-defined]
            "cancel_url": reverse("reviews:admin_scale_list"),
        },
    )


# --- review templates ------------------------------------------------------------------


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    """Every template: search, archived filter, how many cycles use it."""
    user = _hr_admin(request)
    form = ProgrammeFilterForm(request.GET or None)
    context = _list_context(request, selectors.templates_for(user, form.filters()), form)
    name = "reviews/admin/template_list.html"
    return render(request, f"{name}#results" if _is_htmx(request) else name, context)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The template builder: name, scale, sections with weights and their
    questions. Add, remove and move buttons re-render without saving; a
    save that fails re-renders everything posted with each message on its
    field."""
    user = _hr_admin(request)
    template = _template(request, pk) if pk is not None else None
    scales = selectors.scale_choices(user, template)
    if request.method == "POST":
        builder = TemplateBuilder(scales=scales, data=request.POST)
    else:
        values = selectors.template_values(template) if template is not None else None
        version = template.version if template is not None else None
        builder = TemplateBuilder(scales=scales, values=values, version=version)
    if builder.is_valid():
        try:
            saved = services.save_template(
                actor=user, template=template, expected_version=builder.version, **builder.values()
            )
        except ValidationError as error:
            builder.apply_service_errors(error)
        else:
            messages.success(request, f"Saved the template “{saved.name}”.")
            return _go(request, reverse("reviews:admin_template_edit", args=[saved.pk]))
    locked = selectors.cycles_locking_template(template) if template is not None else []
    return render(
        request,
        "reviews/admin/template_form.html",
        {
            "builder": builder,
            "template": template,
            "locked_by": locked,
            "section_kinds": SectionKind.choices,
        },
    )


def _free_copy_name(name: str) -> str:
    """“Copy of X”, or “Copy of X (2)” … when taken (one query)."""
    base = f"Copy of {name}"[:140]
    taken = set(
        ReviewTemplate.objects.filter(name__istartswith=base).values_list("name", flat=True)
    )
    taken = {t.lower() for t in taken}
    if base.lower() not in taken:
        return base
    number = 2
    while f"{base} ({number})".lower() in taken:
        number += 1
    return f"{base} ({number})"


@login_required
@require_http_methods(["GET", "POST"])
def template_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy a template under a new name, then edit the copy."""
    user = _hr_admin(request)
    template = _template(request, pk)
    form = CopyTemplateForm(request.POST or None, initial={"name": _free_copy_name(template.name)})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.copy_template(
                actor=user, template=template, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Copied “{template.name}” to “{copy.name}”.")
            return redirect("reviews:admin_template_edit", pk=copy.pk)
    return render(request, "reviews/admin/template_copy.html", {"form": form, "template": template})


@login_required
@require_http_methods(["GET", "POST"])
def template_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then archive a template (or restore an archived one)."""
    user = _hr_admin(request)
    template = _template(request, pk)
    if request.method == "POST":
        archived = not template.is_archived
        try:
            services.archive_template(actor=user, template=template, archived=archived)
        except PermissionDenied:
            raise Http404 from None
        verb = "Archived" if archived else "Restored"
        messages.success(request, f"{verb} the template “{template.name}”.")
        return redirect("reviews:admin_template_list")
    count = template.cycle_count  # type: ignore[attr-defined]
    return render(
        request,
        "reviews/admin/confirm_archive.html",
        {
            "object": template,
            "what": "template",
            "used_by": _plural(count, "cycle"),
            "cancel_url": reverse("reviews:admin_template_list"),
        },
    )


@login_required
@require_GET
def template_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What each kind of reviewer is asked (`?kind=self|manager|peer|upward`),
    with the scale they rate on. Everyone in the organisation may read it."""
    template = _template(request, pk)
    kind = request.GET.get("kind", ReviewerKind.SELF)
    if kind not in ReviewerKind.values:
        kind = ReviewerKind.SELF.value
    structure = selectors.template_structure(template)
    tabs = [{"kind": value, "label": label} for value, label in PREVIEW_TABS.items()]
    return render(
        request,
        "reviews/admin/template_preview.html",
        {
            "template": template,
            "structure": structure,
            "kind": kind,
            "asked_of": ASKED_OF[kind],
            "tabs": tabs,
            "sections": structure.for_kind(kind),
            "can_design": selectors.can_design_programme(_user(request)),
        },
    )

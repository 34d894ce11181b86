"""The feedback pages: the praise wall, giving feedback, my feedback
(received, given, about my team), feedback requests (asking, answering,
declining) and the HR admin's company values. Each view parses input,
calls a selector or a service and renders; who may read what is
`cadence.feedback.access`, the rules are `services_feedback`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.core.ids import parse_id
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.feedback import selectors_feedback as selectors
from cadence.feedback import services_feedback as services
from cadence.feedback.forms_feedback import (
    DeclineForm,
    FeedbackForm,
    FeedbackRequestForm,
    ValueForm,
    apply_service_errors,
    visibility_explanations,
)
from cadence.feedback.models import (
    AskStatus,
    CompanyValue,
    Feedback,
    FeedbackAsk,
    FeedbackVisibility,
)
from cadence.people.models import Department, Employee

TEMPLATES = "feedback/feedback/"
MINE_TABS = ("received", "given", "team")
REQUEST_TABS = ("asked", "made")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, settings.CADENCE_PAGE_SIZE).get_page(request.GET.get("page"))


def _cards(user: User, page: Any) -> dict[str, Any]:
    """One page of feedback and which of their goals the viewer may see."""
    items = list(page.object_list)
    return {"page_obj": page, "items": items, "goal_ids": selectors.visible_goal_ids(user, items)}


# --- reading -------------------------------------------------------------------------


@login_required
@require_GET
def wall(request: HttpRequest) -> HttpResponse:
    """Public praise, newest first, filtered by department and value, searchable."""
    user = _user(request)
    filters = selectors.FeedbackFilters(
        department=parse_id(request.GET.get("department", "")),
        value=parse_id(request.GET.get("value", "")),
        q=request.GET.get("q", "")[:200],
    )
    context = _cards(user, _page(request, selectors.praise_wall(user, filters)))
    context.update(
        filters=filters,
        filtered=bool(filters.department or filters.value or filters.q.strip()),
        departments=list(Department.objects.order_by("path").only("name", "path")),
        values=list(CompanyValue.objects.order_by("name")),
    )
    return render(request, TEMPLATES + "wall.html", context)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """Feedback I received, feedback I gave and — for managers — feedback
    about my team that I may read."""
    user = _user(request)
    is_manager = selectors.manages_anyone(user)
    tab = request.GET.get("tab", "received")
    if tab not in MINE_TABS or (tab == "team" and not is_manager):
        tab = "received"
    queryset = {
        "received": selectors.received,
        "given": selectors.given,
        "team": selectors.about_team,
    }[tab](user)
    context = _cards(user, _page(request, queryset))
    context.update(tab=tab, is_manager=is_manager)
    return render(request, TEMPLATES + "mine.html", context)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One piece of feedback, for those who may read it (anyone else: 404)."""
    user = _user(request)
    try:
        item = selectors.get_visible_feedback(user, pk)
    except Feedback.DoesNotExist:
        raise Http404("No such feedback.") from None
    context = {"item": item, "goal_ids": selectors.visible_goal_ids(user, [item])}
    return render(request, TEMPLATES + "detail.html", context)


# --- giving ----------------------------------------------------------------------------


def _chosen_recipient(request: HttpRequest) -> Employee | None:
    raw = request.POST.get("recipient") if request.method == "POST" else request.GET.get("to")
    found = selectors.employees_by_id(_user(request), [parse_id(raw or "") or 0])
    return found[0] if found else None


@login_required
@require_http_methods(["GET", "POST"])
def give(request: HttpRequest) -> HttpResponse:
    """Give feedback or praise. ?to=<employee id> chooses the recipient; the
    search (live with htmx, a button without) finds someone else."""
    user = _user(request)
    if viewer_for(user).employee_id is None:
        raise Http404("Only people in the organisation give feedback.")
    recipient = _chosen_recipient(request)
    searching = request.method == "POST" and request.POST.get("action") == "find"
    q = request.POST.get("q", "")[:100] if searching else ""
    initial = {"recipient": recipient.pk if recipient else None}
    if searching:
        # Keep what was typed; the search only changes the people offered.
        form = FeedbackForm(
            initial={**request.POST.dict(), **initial}, user=user, recipient=recipient
        )
    else:
        data = request.POST if request.method == "POST" else None
        form = FeedbackForm(data, initial=initial, user=user, recipient=recipient)
        if data is not None and form.is_valid():
            try:
                given = services.give_feedback(actor=user, **form.values())
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                name = given.recipient.full_name
                if given.visibility == FeedbackVisibility.PUBLIC:
                    messages.success(request, f"Your praise for {name} is on the praise wall.")
                    return redirect("feedback:wall")
                messages.success(request, f"Your feedback to {name} was sent.")
                return redirect(reverse("feedback:mine") + "?tab=given")
    context = {
        "form": form,
        "recipient": recipient,
        "q": q,
        "results": selectors.colleagues(user, q) if searching else [],
        "explanations": visibility_explanations(recipient.full_name if recipient else ""),
        "disabled_visibility": "",
    }
    return render(request, TEMPLATES + "give.html", context)


@login_required
@require_GET
def people_search(request: HttpRequest) -> HttpResponse:
    """Colleagues matching ?q=, as radio buttons (?mode=radio: the give
    page) or tick boxes (the request page), for htmx."""
    user = _user(request)
    q = request.GET.get("q", "")[:100]
    chosen = {i for i in (parse_id(v) for v in request.GET.getlist("responders")) if i}
    mode = "checkbox" if request.GET.get("mode") == "checkbox" else "radio"
    context = {"results": selectors.colleagues(user, q, exclude=chosen), "q": q, "mode": mode}
    return render(request, TEMPLATES + "_people_results.html", context)


# --- feedback requests -----------------------------------------------------------------


@login_required
@require_GET
def requests(request: HttpRequest) -> HttpResponse:
    """Asks to me (answer or decline them) and the requests I made, with
    each ask's status and the answers."""
    user = _user(request)
    tab = request.GET.get("tab", "asked")
    if tab not in REQUEST_TABS:
        tab = "asked"
    context: dict[str, Any] = {"tab": tab}
    if tab == "asked":
        page = _page(request, selectors.asks_to_answer(user))
        context.update(page_obj=page, asks=list(page.object_list))
    else:
        page = _page(request, selectors.requests_for(user, made=True))
        made = list(page.object_list)
        asks = [ask for r in made for ask in selectors.asks_of(r)]
        context.update(
            page_obj=page,
            made=made,
            readable=selectors.readable_answer_ids(user, asks),
        )
    context["pending_count"] = selectors.asks_to_answer(user, pending_only=True).count()
    return render(request, TEMPLATES + "requests.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    """Ask up to ten colleagues for feedback on yourself or a report."""
    user = _user(request)
    if viewer_for(user).employee_id is None:
        raise Http404("Only people in the organisation ask for feedback.")
    searching = request.method == "POST" and request.POST.get("action") == "find"
    chosen_ids = [i for i in (parse_id(v) for v in request.POST.getlist("responders")) if i]
    q = request.POST.get("q", "")[:100] if searching else ""
    if searching:
        # Keep what was filled in; the search only changes the people offered.
        form = FeedbackRequestForm(initial=request.POST.dict(), user=user)
    else:
        about = parse_id(request.GET.get("about", "")) or viewer_for(user).employee_id
        data = request.POST if request.method == "POST" else None
        form = FeedbackRequestForm(data, initial={"subject": about}, user=user)
        if data is not None and form.is_valid():
            try:
                made = services.request_feedback(actor=user, **form.values())
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                count = len(form.cleaned_data["responders"])
                on = "" if made.subject_id == made.requester_id else f" on {made.subject}"
                messages.success(
                    request,
                    f"Asked {count} {'person' if count == 1 else 'people'} for feedback{on}, "
                    f"due {made.due_on:%-d %b %Y}.",
                )
                return redirect(reverse("feedback:requests") + "?tab=made")
    context = {
        "form": form,
        "q": q,
        "chosen": selectors.employees_by_id(user, chosen_ids),
        "results": selectors.colleagues(user, q, exclude=chosen_ids) if searching else [],
        "max_responders": services.MAX_RESPONDERS,
    }
    return render(request, TEMPLATES + "request_form.html", context)


def _my_ask(request: HttpRequest, pk: int) -> FeedbackAsk:
    try:
        return selectors.get_ask_to_answer(_user(request), pk)
    except FeedbackAsk.DoesNotExist:
        raise Http404("No such request.") from None


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer a feedback request sent to me (or decline it, below)."""
    user = _user(request)
    ask = _my_ask(request, pk)
    fb_request = ask.request
    form = FeedbackForm(
        request.POST if request.method == "POST" else None,
        user=user,
        recipient=fb_request.subject,
        answering=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.give_feedback(actor=user, ask=ask, **form.values())
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Thank you: {fb_request.requester} can read your answer.")
            return redirect("feedback:requests")
    self_request = fb_request.requester_id == fb_request.subject_id
    context = {
        "ask": ask,
        "fb_request": fb_request,
        "form": form,
        "decline_form": DeclineForm(),
        "pending": ask.status == AskStatus.PENDING,
        "explanations": visibility_explanations(fb_request.subject.full_name, fb_request),
        "disabled_visibility": FeedbackVisibility.MANAGER_ONLY.value if self_request else "",
    }
    return render(request, TEMPLATES + "answer.html", context)


@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    """Decline a feedback request sent to me, with an optional reason."""
    user = _user(request)
    ask = _my_ask(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.decline_ask(actor=user, ask=ask, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Declined: {ask.request.requester} has been told.")
            return redirect("feedback:requests")
    else:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect("feedback:answer", pk=ask.pk)


# --- company values (HR admin) ---------------------------------------------------------


def _hr_admin(request: HttpRequest) -> User:
    """The signed-in HR admin; anyone else gets a 404 (the pages are not theirs)."""
    user = _user(request)
    if not services.can_manage_values(user):
        raise Http404
    return user


@login_required
@require_GET
def values(request: HttpRequest) -> HttpResponse:
    """The company values with how often feedback used each."""
    _hr_admin(request)
    rows = CompanyValue.objects.annotate(uses=Count("feedback")).order_by("-active", "name")
    return render(request, TEMPLATES + "values.html", {"rows": list(rows)})


@login_required
@require_http_methods(["GET", "POST"])
def value_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Name a new company value, or change one (including taking it out of use)."""
    user = _hr_admin(request)
    value = get_object_or_404(CompanyValue, pk=pk) if pk is not None else None
    initial = (
        {"name": value.name, "description": value.description, "active": value.active}
        if value
        else {"active": True}
    )
    form = ValueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if value is None:
                saved = services.create_value(actor=user, **form.cleaned_data)
            else:
                saved = services.update_value(actor=user, value=value, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Saved the company value “{saved.name}”.")
            return redirect("feedback:values")
    return render(request, TEMPLATES + "value_form.html", {"form": form, "value": value})


@login_required
@require_POST
def value_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a value out of use, or back into use (one click from the list)."""
    user = _hr_admin(request)
    value = get_object_or_404(CompanyValue, pk=pk)
    saved = services.update_value(actor=user, value=value, active=not value.active)
    state = "in use" if saved.active else "out of use"
    messages.success(request, f"“{saved.name}” is now {state}.")
    return redirect("feedback:values")


@login_required
@require_http_methods(["GET", "POST"])
def value_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a value nobody used, after a confirmation page."""
    user = _hr_admin(request)
    value = get_object_or_404(CompanyValue.objects.annotate(uses=Count("feedback")), pk=pk)
    if request.method == "POST":
        try:
            services.delete_value(actor=user, value=value)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Deleted the company value “{value.name}”.")
        return redirect("feedback:values")
    return render(request, TEMPLATES + "value_confirm_delete.html", {"value": value})

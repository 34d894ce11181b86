"""The signed-in person's notifications: the list, the unread badge the
navigation loads with htmx (so no page pays a query for it), and marking
them read. Everyone sees only their own."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from cadence.core import notifications
from cadence.core.ids import parse_id
from cadence.core.models import User


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """Newest first, a page at a time; unread ones marked."""
    mine = notifications.for_user(_user(request))
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        mine = mine.filter(read_at__isnull=True)
    page = Paginator(mine, settings.CADENCE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notifications.html",
        {"page_obj": page, "only_unread": only_unread},
    )


@login_required
@require_GET
def notification_badge(request: HttpRequest) -> HttpResponse:
    """The unread count for the navigation (an htmx fragment)."""
    count = notifications.for_user(_user(request)).filter(read_at__isnull=True).count()
    return render(request, "core/_notification_badge.html", {"count": count})


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification read (`id`) or all of them, then go back to the list."""
    raw = request.POST.get("id", "")
    one = parse_id(raw)
    if raw and one is None:
        return redirect("notifications")  # not an id: nothing to mark
    ids = [one] if one is not None else None
    notifications.mark_read(actor=_user(request), ids=ids)
    return redirect("notifications")

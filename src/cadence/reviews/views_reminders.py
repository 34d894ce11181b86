"""The cycle page's "Send reminders now" button (HR admins; 404 for anyone
else, like the other cycle management pages). The rule is in
services_reminders.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from cadence.reviews.services_reminders import send_reminders_now
from cadence.reviews.views_cycles import managed_cycle


@login_required
@require_POST
def cycle_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the cycle's reminders and go back to the cycle page."""
    user, cycle = managed_cycle(request, pk)
    try:
        send_reminders_now(actor=user, cycle=cycle)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(
            request,
            f"Reminders for “{cycle.name}” are on their way to everyone with a review "
            "still to write. Nobody is told the same thing twice.",
        )
    return redirect("reviews:cycle_detail", pk=cycle.pk)

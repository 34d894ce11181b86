"""HR admin's goal-period pages: the periods with their goal-setting
windows and approval rules, the form that sets them, and the button that
queues check-in reminders now. Writes go through `services.save_period`;
reminders through the `send_check_in_reminders` task."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.goals import services
from cadence.goals.forms import GoalPeriodForm, apply_service_errors
from cadence.goals.models import GoalPeriod
from cadence.goals.tasks import send_check_in_reminders


def _hr_admin(request: HttpRequest) -> User:
    """The signed-in HR admin; anyone else gets a 404 (the pages do not exist for them)."""
    user: User = request.user  # type: ignore[assignment]
    if not viewer_for(user).is_hr_admin:
        raise Http404
    return user


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    """Every goal period, newest first, with its window and goal count."""
    _hr_admin(request)
    periods = GoalPeriod.objects.annotate(goal_count=Count("objectives")).order_by("-starts_on")
    today = timezone.localdate()
    rows = [
        {
            "period": p,
            "running": p.starts_on <= today <= p.ends_on,
            "setting_open": p.setting_is_open(today),
        }
        for p in periods
    ]
    return render(request, "goals/period_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a goal period, or change one; a concurrent change is reported,
    not overwritten."""
    user = _hr_admin(request)
    period = get_object_or_404(GoalPeriod, pk=pk) if pk is not None else None
    form = GoalPeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_period(
                actor=user,
                period=period,
                expected_version=form.cleaned_data.get("version"),
                **form.values(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, f"Saved the goal period “{saved.name}”.")
            return redirect("goals:period_list")
    return render(request, "goals/period_form.html", {"form": form, "period": period})


@login_required
@require_POST
def period_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the period's check-in reminders now (the worker sends them;
    owners reminded within the interval are skipped)."""
    _hr_admin(request)
    period = get_object_or_404(GoalPeriod, pk=pk)
    if period.check_in_reminder_days == 0:
        messages.warning(request, f"Reminders are off for {period.name} (0 days).")
    else:
        send_check_in_reminders.enqueue(period.pk)
        messages.success(
            request,
            f"Check-in reminders for {period.name} are queued; a worker sends them to owners "
            f"who have not checked in for {period.check_in_reminder_days} days.",
        )
    return redirect("goals:period_list")

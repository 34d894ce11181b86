"""Background work for reviews, run by django-tasks."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from cadence.core.models import User


@task()
def run_cycle_launch(cycle_id: int, actor_id: int | None = None) -> dict[str, Any]:
    """Create a launching cycle's participants and assignments in bulk, with
    progress on the cycle (see services_cycles_launch.perform_launch). Safe to run
    again: it creates nothing twice. Returns the counts."""
    from cadence.reviews.services_cycles_launch import perform_launch

    actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    return perform_launch(cycle_id=cycle_id, actor=actor)

"""Small builders shared by the jobs tests (the shared factories stay untouched)."""

from __future__ import annotations

from cadence.core.models import AuditEntry
from cadence.jobs.models import (
    BehaviouralIndicator,
    Competency,
    CompetencyFramework,
    ProficiencyLevel,
)
from tests.factories import CompetencyFactory, CompetencyFrameworkFactory


def last_audit(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("id")


def framework_with_levels(levels: int = 3, **kwargs: object) -> CompetencyFramework:
    framework = CompetencyFrameworkFactory(**kwargs)
    names = ["Foundation", "Practitioner", "Expert", "Master", "Guru"]
    for n in range(1, levels + 1):
        ProficiencyLevel.objects.create(framework=framework, level=n, name=names[n - 1])
    return framework


def competency_with_indicators(framework: CompetencyFramework, **kwargs: object) -> Competency:
    competency = CompetencyFactory(framework=framework, **kwargs)
    for level in ProficiencyLevel.objects.filter(framework=framework):
        BehaviouralIndicator.objects.create(
            competency=competency, level=level.level, description=f"{competency.name} at {level}"
        )
    return competency

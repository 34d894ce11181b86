"""The protected attributes fairness analyses may group by (DESIGN §4), with
their labels. People who did not answer ("Prefer not to say") or have
nothing recorded are one group, "Not disclosed": shown, counted, but never
the comparison group and never flagged (nothing can be said about them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Choices

from cadence.people.models import AgeBand, RaceEthnicity, Sex, YesNoUndisclosed

UNDISCLOSED = "undisclosed"
UNDISCLOSED_LABEL = "Not disclosed"


@dataclass(frozen=True)
class Attribute:
    key: str  # the Employee field, and the ?attribute= value
    label: str
    choices: type[Choices]

    def group_of(self, value: str | None) -> str:
        """The group key for a stored value ("" and "undisclosed" alike)."""
        return value if value and value != UNDISCLOSED else UNDISCLOSED

    def group_label(self, group: str) -> str:
        if group == UNDISCLOSED:
            return UNDISCLOSED_LABEL
        return str(dict(self.choices.choices).get(group, group))

    def groups(self) -> list[str]:
        """Every group in the attribute's order, "Not disclosed" last."""
        return [value for value, _ in self.choices.choices if value != UNDISCLOSED] + [UNDISCLOSED]


ATTRIBUTES: dict[str, Attribute] = {
    attribute.key: attribute
    for attribute in (
        Attribute("sex", "Sex / gender", Sex),
        Attribute("race_ethnicity", "Race / ethnicity", RaceEthnicity),
        Attribute("age_band", "Age band", AgeBand),
        Attribute("disability", "Disability", YesNoUndisclosed),
        Attribute("veteran_status", "Veteran status", YesNoUndisclosed),
    )
}
DEFAULT_ATTRIBUTE = "sex"


def attribute_named(key: str | None) -> Attribute | None:
    return ATTRIBUTES.get(key or DEFAULT_ATTRIBUTE)

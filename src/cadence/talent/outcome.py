"""After the session: what the committee changed, for what the viewer may
see of it (the same visible entries as the pre-read, see preread.py).

- Before is the manager's rating (proposed, else original); after is the
  calibrated level, else as before. A person is "up" when after is a higher
  level value than before, "down" when lower, "rated in the session" when
  they had no rating before and have one now.
- Counts are per rater (`CalibrationEntry.manager`) and per level (the
  level they started at), with the distribution before and after, their
  means and spreads (population standard deviation, in level values: a
  smaller spread after means ratings were pulled together), and one
  sentence: "12 of 140 ratings changed (9%): 8 down, 4 up."

Counts are facts about people the viewer may see (not estimates), so they
are not suppressed for small teams. A fixed number of queries.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from cadence.core.models import User
from cadence.talent.models import CalibrationSession, SessionState
from cadence.talent.preread import (
    Distribution,
    Level,
    Person,
    distribution,
    scope_text,
    session_people,
)


@dataclass(frozen=True)
class Movement:
    """How a group of people moved."""

    people: int
    up: int
    down: int
    rated_in_session: int

    @property
    def changed(self) -> int:
        return self.up + self.down + self.rated_in_session

    @property
    def unchanged(self) -> int:
        return self.people - self.changed


def direction(person: Person) -> str:
    """ "up", "down", "rated" (no rating before, one now) or "same"."""
    before, after = person.before, person.after
    if before is None:
        return "rated" if after is not None else "same"
    if after is None or after.value == before.value:
        return "same"
    return "up" if after.value > before.value else "down"


def movement(people: Iterable[Person]) -> Movement:
    """Count the people up, down and rated in the session."""
    counts: dict[str, int] = defaultdict(int)
    total = 0
    for person in people:
        counts[direction(person)] += 1
        total += 1
    return Movement(total, counts["up"], counts["down"], counts["rated"])


@dataclass(frozen=True)
class GroupMovement:
    key: int | None
    name: str
    movement: Movement


@dataclass(frozen=True)
class Spread:
    mean: float | None
    sd: float | None  # population standard deviation


def spread(levels: Iterable[Level | None]) -> Spread:
    values = [float(level.value) for level in levels if level is not None]
    if not values:
        return Spread(None, None)
    return Spread(statistics.fmean(values), statistics.pstdev(values))


@dataclass(frozen=True)
class Outcome:
    session: CalibrationSession
    scope: str
    levels: list[Level]
    total: Movement
    before: Distribution
    after: Distribution
    spread_before: Spread
    spread_after: Spread
    managers: list[GroupMovement]
    by_level: list[GroupMovement]  # by the level people started at; unrated last

    @property
    def final(self) -> bool:
        return self.session.state == SessionState.LOCKED

    @property
    def sentence(self) -> str:
        return effect_sentence(self.total)


def effect_sentence(total: Movement) -> str:
    """The committee's effect in one sentence."""
    if total.people == 0:
        return "Nobody you may see is in this session."
    if total.changed == 0:
        return f"No ratings changed (0 of {total.people})."
    share = round(100 * total.changed / total.people)
    parts = [f"{total.down} down", f"{total.up} up"]
    if total.rated_in_session:
        parts.append(f"{total.rated_in_session} rated in the session")
    verb = "rating changed" if total.people == 1 else "ratings changed"
    return f"{total.changed} of {total.people} {verb} ({share}%): {', '.join(parts)}."


def outcome(user: User, session: CalibrationSession) -> Outcome:
    """What the committee changed among the people `user` may see."""
    data = session_people(user, session)
    people = data.people
    by_manager: dict[int | None, list[Person]] = defaultdict(list)
    for person in people:
        by_manager[person.manager_id].append(person)
    managers = [
        GroupMovement(manager_id, team[0].manager_name, movement(team))
        for manager_id, team in sorted(
            by_manager.items(),
            key=lambda item: (item[0] is None, item[1][0].manager_name.lower(), item[0] or 0),
        )
    ]
    by_start: dict[int | None, list[Person]] = defaultdict(list)
    for person in people:
        start = person.before
        by_start[start.id if start else None].append(person)
    by_level = [
        GroupMovement(level.id, level.name, movement(by_start.get(level.id, [])))
        for level in reversed(data.levels)
    ]
    if by_start.get(None):
        by_level.append(GroupMovement(None, "Not rated before", movement(by_start[None])))
    return Outcome(
        session=session,
        scope=scope_text(user, session),
        levels=data.levels,
        total=movement(people),
        before=distribution(data.levels, (p.before for p in people)),
        after=distribution(data.levels, (p.after for p in people)),
        spread_before=spread(p.before for p in people),
        spread_after=spread(p.after for p in people),
        managers=managers,
        by_level=by_level,
    )

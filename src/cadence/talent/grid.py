"""The performance × potential grid: which performance band (low, mid, high)
a rating level falls in, the nine boxes, and which level a move into a box
gives. No database access: callers pass the scale's levels in order.

Bands split a scale symmetrically by each level's centre: a level whose
centre lies in the bottom third of the scale is low, in the top third high,
otherwise mid. On the usual five-point scale that is 1–2 low, 3 mid, 4–5
high; on three points one level each; on four, 1 low, 2–3 mid, 4 high.

Moving a person into a box of another performance band gives them the
level of that band nearest to where they were (up into "high" from "mid" is
the band's lowest level, down into "low" its highest); moving within a band
(a potential-only move) keeps their level. A caller may name the exact
level instead, as long as it is in the box's band.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from cadence.reviews.models import RatingLevel
from cadence.talent.models import Potential


class Band(IntEnum):
    """A performance band, low to high (the grid's columns)."""

    LOW = 1
    MID = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return {Band.LOW: "Low", Band.MID: "Mid", Band.HIGH: "High"}[self]


@dataclass(frozen=True)
class Box:
    """One of the nine boxes: a performance band and a potential."""

    band: Band
    potential: int

    @property
    def key(self) -> str:
        """As a form value and element id part: "<band>-<potential>", e.g. "3-2"."""
        return f"{int(self.band)}-{self.potential}"

    @property
    def label(self) -> str:
        potential = Potential(self.potential).label
        return f"{self.band.label} performance · {potential} potential"

    @classmethod
    def parse(cls, key: str) -> Box | None:
        """The box a form value names, or None."""
        band_text, _, potential_text = key.partition("-")
        if not (band_text.isdigit() and potential_text.isdigit()):
            return None
        band, potential = int(band_text), int(potential_text)
        if band not in Band._value2member_map_ or potential not in Potential.values:
            return None
        return cls(Band(band), potential)


def grid_rows() -> list[list[Box]]:
    """The boxes as shown: rows potential high → low, columns performance low → high."""
    return [
        [Box(band, potential) for band in Band]
        for potential in sorted(Potential.values, reverse=True)
    ]


ALL_BOXES: tuple[Box, ...] = tuple(box for row in grid_rows() for box in row)


def band_of_position(index: int, count: int) -> Band:
    """The band of the `index`-th (0-based) of `count` ordered levels."""
    # Compare the level's centre (2i+1)/(2n) with 1/3 and 2/3 in integers;
    # it never falls exactly on either, so no level is split.
    centre = 3 * (2 * index + 1)
    if centre < 2 * count:
        return Band.LOW
    if centre > 4 * count:
        return Band.HIGH
    return Band.MID


class ScaleBands:
    """The bands of one scale's levels (given in order of value)."""

    def __init__(self, levels: Sequence[RatingLevel]) -> None:
        self.levels = sorted(levels, key=lambda level: level.value)
        self._position = {level.pk: i for i, level in enumerate(self.levels)}
        self._band = {
            level.pk: band_of_position(i, len(self.levels)) for i, level in enumerate(self.levels)
        }

    def band(self, level_id: int | None) -> Band | None:
        """The band of a level of this scale; None for no level (or another scale's)."""
        return None if level_id is None else self._band.get(level_id)

    def box(self, level_id: int | None, potential: int | None) -> Box | None:
        """Where a person sits; None until they have both a level and a potential."""
        band = self.band(level_id)
        if band is None or potential is None:
            return None
        return Box(band, potential)

    def levels_in(self, band: Band) -> list[RatingLevel]:
        return [level for level in self.levels if self._band[level.pk] == band]

    def level_for_move(self, current_level_id: int | None, band: Band) -> RatingLevel | None:
        """The level a move into `band` gives someone at `current_level_id`:
        unchanged within the band, else the band's nearest level."""
        in_band = self.levels_in(band)
        if not in_band:
            return None
        if current_level_id is not None and self._band.get(current_level_id) == band:
            return next(level for level in in_band if level.pk == current_level_id)
        current = self._position.get(current_level_id) if current_level_id is not None else None
        if current is None:
            # No rating yet: the middle of the band.
            return in_band[(len(in_band) - 1) // 2]
        return min(in_band, key=lambda level: abs(self._position[level.pk] - current))

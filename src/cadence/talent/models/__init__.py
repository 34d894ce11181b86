"""Calibration sessions and succession plans. Split by concept; import from here."""

from cadence.talent.models.calibration import (
    CalibrationChange,
    CalibrationEntry,
    CalibrationSession,
    PopulationKind,
    Potential,
    SessionParticipant,
    SessionState,
)
from cadence.talent.models.succession import CriticalRole, Rating3, Readiness, Successor

__all__ = [
    "CalibrationChange",
    "CalibrationEntry",
    "CalibrationSession",
    "CriticalRole",
    "PopulationKind",
    "Potential",
    "Rating3",
    "Readiness",
    "SessionParticipant",
    "SessionState",
    "Successor",
]

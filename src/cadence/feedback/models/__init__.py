"""Feedback and 1:1s: feedback and praise, feedback requests, 1:1 series
and meetings, coaching notes. Split by concept; import from here."""

from cadence.feedback.models.feedback import (
    AskStatus,
    CompanyValue,
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
    FeedbackVisibility,
)
from cadence.feedback.models.meetings import (
    ActionItem,
    AgendaItem,
    CoachingNote,
    Frequency,
    Meeting,
    MeetingStatus,
    OneOnOneSeries,
    PrivateNote,
)

__all__ = [
    "ActionItem",
    "AgendaItem",
    "AskStatus",
    "CoachingNote",
    "CompanyValue",
    "Feedback",
    "FeedbackAsk",
    "FeedbackRequest",
    "FeedbackVisibility",
    "Frequency",
    "Meeting",
    "MeetingStatus",
    "OneOnOneSeries",
    "PrivateNote",
]

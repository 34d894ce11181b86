"""Reviews: rating scales, templates, cycles and their phases, participants,
assignments and peer nominations, answers and results. Split by concept;
import from here."""

from cadence.reviews.models.answers import Answer, ReviewResult
from cadence.reviews.models.cycles import (
    OPEN_ASSIGNMENT,
    STAGE_ORDER,
    AssignmentStatus,
    Cycle,
    CycleParticipant,
    CyclePhase,
    NominationStatus,
    Nominator,
    ParticipantStatus,
    PeerNomination,
    PhaseKind,
    ReviewAssignment,
    Stage,
)
from cadence.reviews.models.scales import RatingLevel, RatingScale
from cadence.reviews.models.templates import (
    AnswerAudience,
    Question,
    QuestionKind,
    ReviewerKind,
    ReviewTemplate,
    SectionKind,
    TemplateSection,
    default_reviewer_kinds,
)

__all__ = [
    "OPEN_ASSIGNMENT",
    "STAGE_ORDER",
    "Answer",
    "AnswerAudience",
    "AssignmentStatus",
    "Cycle",
    "CycleParticipant",
    "CyclePhase",
    "NominationStatus",
    "Nominator",
    "ParticipantStatus",
    "PeerNomination",
    "PhaseKind",
    "Question",
    "QuestionKind",
    "RatingLevel",
    "RatingScale",
    "ReviewAssignment",
    "ReviewResult",
    "ReviewTemplate",
    "ReviewerKind",
    "SectionKind",
    "Stage",
    "TemplateSection",
    "default_reviewer_kinds",
]

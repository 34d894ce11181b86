"""What the demo's reviews are made of: the rating scale, the review
template, and the texts reviewers, managers and employees write, drawn
from by reviews/demo.py. Texts are written without pronouns so that the
same sentence reads right from the reviewee, a peer or the manager."""

from __future__ import annotations

from dataclasses import dataclass

SCALE_NAME = "Five-point performance scale"
SCALE_DESCRIPTION = (
    "How far someone met what was expected of them in the period, from "
    "“Does not meet” to “Far exceeds”."
)
# value, label, description
LEVELS: tuple[tuple[int, str, str], ...] = (
    (1, "Does not meet", "Fell clearly short of what the role expects, in several areas."),
    (2, "Partially meets", "Met some expectations; others need to improve."),
    (3, "Meets", "Consistently did what the role expects, and did it well."),
    (4, "Exceeds", "Often went beyond what the role expects."),
    (5, "Far exceeds", "Set the standard for others, consistently and visibly."),
)
# How the people of the organisation perform overall (level 1 to 5), in
# percent: a realistic review distribution is mostly "Meets".
PERFORMANCE_WEIGHTS = (3, 15, 58, 18, 6)

TEMPLATE_NAME = "Performance review"
TEMPLATE_DESCRIPTION = (
    "The company's review, annual and mid-year: goals, the competencies of the job "
    "profile, and a few questions."
)


@dataclass(frozen=True)
class QuestionSpec:
    kind: str  # "rating" or "text"
    text: str
    help_text: str
    reviewer_kinds: tuple[str, ...]
    audience: str = "reviewee"
    word_limit: int | None = None


@dataclass(frozen=True)
class SectionSpec:
    kind: str  # "goals", "competencies" or "questions"
    title: str
    description: str
    weight: int
    reviewer_kinds: tuple[str, ...] = ("self", "manager")
    questions: tuple[QuestionSpec, ...] = ()


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "goals",
        "Goals",
        "How far each goal of the period was achieved, and how.",
        40,
    ),
    SectionSpec(
        "competencies",
        "Competencies",
        "The competencies the job profile expects, at the expected proficiency. Rated by "
        "the manager: the self review reflects on goals and ways of working instead.",
        30,
        # Manager only: a dozen ratings per profile, and rating them in the
        # self review too would add a third of the demo's answers (and
        # push `cadence demo --employees 10000` past a minute).
        reviewer_kinds=("manager",),
    ),
    SectionSpec(
        "questions",
        "Ways of working",
        "How the work was done, as seen by the reviewee, peers and the manager.",
        30,
        reviewer_kinds=(),
        questions=(
            QuestionSpec(
                "rating",
                "Delivers work of consistently high quality",
                "Think of accuracy, completeness and attention to detail.",
                ("self", "manager", "peer"),
            ),
            QuestionSpec(
                "rating",
                "Collaborates well with others",
                "Shares information, helps colleagues and handles disagreement constructively.",
                ("self", "manager", "peer"),
            ),
            QuestionSpec(
                "rating",
                "Ready for more responsibility",
                "For the manager only: the reviewee does not see this rating.",
                ("manager",),
                audience="manager",
            ),
            QuestionSpec(
                "text",
                "What went well?",
                "One or two concrete examples.",
                ("self", "manager", "peer"),
                word_limit=250,
            ),
            QuestionSpec(
                "text",
                "What should change?",
                "What to start, stop or do differently next period.",
                ("self", "manager", "peer"),
                word_limit=250,
            ),
        ),
    ),
)

# "What went well?", by how well things went (low, middle, high).
WENT_WELL: tuple[tuple[str, ...], ...] = (
    (
        "Kept the day-to-day work running during a difficult period.",
        "Asked for help early on the harder tickets.",
        "Documentation of the team's processes improved noticeably.",
        "Handled customer questions patiently.",
        "Showed up reliably for on-call shifts.",
    ),
    (
        "Delivered the planned work on time and to a good standard.",
        "Reliable in meetings: prepared, clear and to the point.",
        "Good partnership with the neighbouring teams on the shared roadmap.",
        "Onboarded two new colleagues and made them productive quickly.",
        "Steady progress on the quarter's goals despite changing priorities.",
        "Clear written updates that made the status easy to follow.",
        "Took ownership of a messy legacy area and tidied it up.",
        "Good judgement about when to escalate and when to just fix it.",
    ),
    (
        "Led the most visible project of the year and landed it early.",
        "Raised the bar for quality across the whole team.",
        "Mentored several people who are now leading work themselves.",
        "Turned a struggling customer relationship into a reference account.",
        "Spotted the biggest risk of the quarter before anyone else and fixed it.",
        "Consistently the person others go to for advice.",
    ),
)

# "What should change?", by how well things went (low, middle, high).
SHOULD_CHANGE: tuple[tuple[str, ...], ...] = (
    (
        "Deadlines slipped too often without warning; flag risks earlier.",
        "The quality of finished work needs to be more consistent.",
        "Agree priorities with the manager each week and stick to them.",
        "Follow through on commitments made in team meetings.",
        "Ask for feedback on drafts before they are final.",
    ),
    (
        "Take on a larger piece of work end to end next period.",
        "Speak up more in planning; the ideas are good and should be heard.",
        "Delegate more instead of doing everything personally.",
        "Spend more time with customers to understand their problems first-hand.",
        "Write things down: decisions made in conversations get lost.",
        "Say no to low-value requests to protect time for the goals.",
    ),
    (
        "Share the know-how more widely so the team depends less on one person.",
        "Pace the workload: the current one is not sustainable.",
        "Step into a formal leadership role; the team is ready for it.",
        "Spend less time in the details and more on direction.",
    ),
)

ACKNOWLEDGEMENT_COMMENTS: tuple[str, ...] = (
    "Thanks, a fair summary of the year.",
    "Agreed. Looking forward to the goals for next year.",
    "Thank you for the feedback; I will work on the points raised.",
    "I see some things differently and would like to discuss them in our next 1:1.",
    "Appreciate the detailed comments.",
    "Fair overall. I would like more support on the development areas.",
)

OVERRIDE_REASONS_UP: tuple[str, ...] = (
    "The goals were set before a major scope increase; the outcome is better than the score.",
    "Took over a second team mid-year, which the ratings do not reflect.",
    "Delivered a critical project outside the agreed goals.",
)
OVERRIDE_REASONS_DOWN: tuple[str, ...] = (
    "The ratings are generous against the calibration guidelines for this level.",
    "Repeated issues with reliability that the item ratings understate.",
    "Goals were met, but at the cost of the team's workload.",
)
CALIBRATION_REASONS: tuple[str, ...] = (
    "Aligned with peers at the same level in the calibration session.",
    "Calibration panel: evidence supports the adjusted rating.",
)

"""Words for the demo improvement and development plans."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanStory:
    concerns: str
    support: str
    # description, measurable success criterion, due (weeks after the start)
    expectations: tuple[tuple[str, str, int], ...]
    employee_comment: str
    outcome: str


ACTIVE_PLAN = PlanStory(
    concerns=(
        "Since March, four of the six sprint commitments were missed without the risk being "
        "raised beforehand (sprints 12, 13, 15 and 17). Two customer-facing defects (tickets "
        "ENG-2231 and ENG-2260) were released without the agreed code review."
    ),
    support=(
        "Weekly 1:1 with the manager focused on planning; pairing with a senior engineer two "
        "afternoons a week; the internal course 'Estimating and planning work' (booked)."
    ),
    expectations=(
        (
            "Deliver sprint commitments, or raise the risk in stand-up as soon as it is known.",
            "At least 5 of the next 6 sprint commitments met; every miss flagged two days "
            "before the sprint ends.",
            12,
        ),
        (
            "Follow the team's code review process for every change.",
            "No change merged without an approved review during the plan (checked in the "
            "repository history).",
            8,
        ),
        (
            "Write a short plan before starting each task larger than two days.",
            "A plan note linked from every such ticket, reviewed in the weekly 1:1.",
            6,
        ),
    ),
    employee_comment=(
        "I understand the concerns about the sprint commitments. Part of the delay came from "
        "the support rota; I would like that taken into account."
    ),
    outcome="",
)

COMPLETED_PLAN = PlanStory(
    concerns=(
        "Over the last quarter, 30% of customer calls logged in the CRM had no follow-up "
        "recorded within the agreed two working days, and three customer complaints cited "
        "missed call-backs."
    ),
    support=(
        "CRM refresher training; a daily follow-up list set up with the team lead; fortnightly "
        "check-ins with the manager and HR partner."
    ),
    expectations=(
        (
            "Record a follow-up for every customer call within two working days.",
            "At least 95% of calls with a follow-up within two working days, from the CRM report.",
            8,
        ),
        (
            "No customer complaint about missed call-backs.",
            "Zero complaints citing a missed call-back during the plan.",
            10,
        ),
    ),
    employee_comment="Thank you for the support; the daily list helped a lot.",
    outcome=(
        "All expectations met: 98% of calls followed up within two working days, no "
        "complaints. Plan closed as successful; progress to be kept in the regular 1:1s."
    ),
)

CHECK_IN_NOTES: tuple[str, ...] = (
    "Reviewed progress against each expectation; improvement on reviews, planning still slow.",
    "Good fortnight: commitments met and risks raised early. Keep the same support in place.",
    "Discussed the support rota's effect on delivery; agreed to adjust it for the plan period.",
    "Progress on track; the employee asked for more pairing time, agreed.",
)

GOAL_AIMS: tuple[str, ...] = (
    "Grow in {competency} to the level my role expects.",
    "Get confident with {competency} on real projects.",
    "Become the person the team asks about {competency}.",
)

ACTIONS: dict[str, tuple[str, ...]] = {
    "course": ("Complete the online course", "Attend the two-day workshop", "Take the exam"),
    "project": ("Lead a small project end to end", "Run the next quarterly planning session"),
    "mentoring": ("Monthly sessions with a senior mentor", "Shadow a lead in client meetings"),
    "reading": ("Read and summarise a book for the team", "Read two case studies a month"),
}

MANAGER_COMMENTS: tuple[str, ...] = (
    "Good plan: realistic and tied to what the role needs. Approved.",
    "Approved. Let's review the actions in our 1:1 every month.",
    "Looks good. The project action is a great way to practise this.",
)

CHANGE_REQUESTS: tuple[str, ...] = (
    "Good start. Please make the course action specific (which course, when) and add a "
    "project where you can practise it.",
    "Two goals are fine, but the due dates all fall in December: spread them over the year.",
)

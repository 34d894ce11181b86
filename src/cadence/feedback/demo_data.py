"""Words for the demo feedback and 1:1s: company values, feedback and praise
sentences, requests, agenda topics, notes and action items."""

from __future__ import annotations

COMPANY_VALUES: tuple[tuple[str, str], ...] = (
    ("Customers first", "We start from what our customers need and finish when they have it."),
    ("Own it", "We take responsibility for outcomes, not just tasks."),
    ("Better together", "We share what we know and ask for help early."),
    ("Keep it simple", "We remove what is not needed, in products and in process."),
    ("Learn every day", "We try, measure, and change our minds when the data says so."),
)

PRAISE: tuple[str, ...] = (
    "Thank you for staying late to get the release out; the customer noticed.",
    "Your write-up of the incident was clear and blameless, and it taught us all something.",
    "The onboarding guide you wrote cut our new starters' first week in half.",
    "You took the hard customer call and turned it around. Brilliant work.",
    "Great demo today: you explained a complicated change in five minutes.",
    "Thanks for pairing with me on the migration; I would not have found that bug alone.",
    "You spotted the pricing error before it reached the invoice run. Thank you!",
    "Your planning made the quarter calm for everyone. Much appreciated.",
)

FEEDBACK: tuple[str, ...] = (
    "In Tuesday's design review you summarised the trade-offs before anyone asked; "
    "keep doing that in every review.",
    "The status report arrived two days late this month. Sending it on Friday, even "
    "when incomplete, would let the team plan.",
    "Your code reviews are thorough. Adding a one-line summary at the top would help "
    "authors see the important comment first.",
    "When the client pushed back on the timeline you held the scope and explained why; "
    "that protected the team.",
    "In the last two stand-ups the blockers came out only at the end. Raising them "
    "first would get help to you sooner.",
    "The analysis you shared on churn changed how we prioritise the backlog. Publishing "
    "the notebook would let others reuse it.",
    "You ran the retro well. Next time, agree owners for each action before we leave.",
    "The proposal had strong numbers; the recommendation was hard to find. Lead with it.",
)

REQUEST_MESSAGES: tuple[str, ...] = (
    "How did I do leading the launch? What should I do differently next time?",
    "I am working on my presentation skills: any feedback from the quarterly review?",
    "What is one thing I should keep doing and one I should change?",
    "How was working with me on the migration project?",
)

AGENDA: tuple[str, ...] = (
    "Priorities for the next two weeks",
    "Feedback on the project kick-off",
    "Career goals: next step",
    "Workload and focus time",
    "Training budget for the course",
    "Blockers on the integration work",
    "Goals check-in: key results at risk",
    "Holiday plans and cover",
    "Team retro actions",
    "Preparation for the review cycle",
)

SHARED_NOTES: tuple[str, ...] = (
    "Agreed to move the reporting work to next sprint. Focus on the customer fix first.",
    "Talked through the feedback from the kick-off; two actions below.",
    "Discussed the course options; going with the evening one.",
    "Workload is high this month; we dropped the internal tool refresh for now.",
    "Reviewed the key results: two on track, one at risk because of the vendor delay.",
)

ACTIONS: tuple[str, ...] = (
    "Share the draft plan with the team",
    "Book the training course",
    "Write up the options for the vendor decision",
    "Ask two peers for feedback on the presentation",
    "Update the key result with last month's numbers",
    "Set up a call with the customer success lead",
)

PRIVATE_NOTES: tuple[str, ...] = (
    "Seemed tired; check in on workload next time.",
    "Ask about the promotion conversation without pushing.",
    "Remember to follow up on the conference budget.",
)

COACHING_NOTES: tuple[str, ...] = (
    "Strong in the client meeting; still hesitant to challenge senior stakeholders. "
    "Try giving them the lead on the next steering call.",
    "Missed the deadline on the report again; asked what gets in the way. Planning, "
    "not skill. Suggested time-boxing on Monday mornings.",
    "Handled the conflict with the other team calmly. Point this out in the review.",
    "Interested in moving towards a lead role. Look for a small project to lead in Q2.",
    "Quiet in group settings but excellent one to one. Ask for written input before meetings.",
)

"""The tables the demo goals are drawn from: company, department and
personal objectives with their key results, check-in comments and KPIs.

A metric's title may name its `{start}` and `{target}`; the demo varies both
around the typical values given here, so two people with the same template
get different numbers. Direction follows from the values: a target below the
start is a decrease."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    title: str
    unit: str
    start: float
    target: float
    decimals: int = 0


@dataclass(frozen=True)
class Milestone:
    title: str


KeyResultSpec = Metric | Milestone


@dataclass(frozen=True)
class ObjectiveSpec:
    title: str
    key_results: tuple[KeyResultSpec, ...]
    # Company objectives carry a theme; department objectives align to the
    # company objective of the same theme when the period has one.
    theme: str = ""
    description: str = ""


@dataclass(frozen=True)
class KpiSpec:
    name: str
    unit: str
    frequency: str  # "weekly" or "monthly"
    target: float
    amber: float
    red: float
    decimals: int
    description: str

    @property
    def increase(self) -> bool:
        return self.target > self.amber


_m, _ms, _o = Metric, Milestone, ObjectiveSpec

# fmt: off

# --- Company -----------------------------------------------------------------

COMPANY_OBJECTIVES: tuple[ObjectiveSpec, ...] = (
    _o("Grow annual recurring revenue faster than the market", (
        _m("Reach ${target}M in annual recurring revenue", "$M", 48, 56, 1),
        _m("Win {target} new enterprise customers", "logos", 0, 40),
        _m("Raise net revenue retention from {start}% to {target}%", "%", 108, 115),
        _m("Grow self-serve revenue to ${target}M", "$M", 6.2, 7.5, 1),
    ), "growth", "Revenue growth funds everything else we want to do this year."),
    _o("Make every customer successful and loyal", (
        _m("Lift NPS from {start} to {target}", "NPS", 32, 45),
        _m("Cut quarterly gross churn to {target}%", "%", 3.1, 2.2, 1),
        _m("Raise CSAT to {target}%", "%", 88, 93),
    ), "customers", "Keeping a customer costs a fraction of winning one."),
    _o("Ship the product our customers ask for", (
        _ms("Launch Reviews 2.0 to every customer"),
        _m("Grow weekly active users to {target}k", "k users", 120, 150),
        _m("Lift goal-setting adoption from {start}% to {target}%", "%", 35, 50),
    ), "product"),
    _o("Run an efficient business that scales", (
        _m("Raise gross margin to {target}%", "%", 72, 76, 1),
        _m("Cut cloud cost per customer to ${target} a month", "$", 41, 34),
        _m("Close the books in {target} working days", "days", 8, 5),
    ), "efficiency", "Growth that does not cost more than it earns."),
    _o("Build a place where people do the best work of their careers", (
        _m("Lift the engagement score from {start} to {target}", "points", 71, 76),
        _m("Cut regretted attrition to {target}%", "%", 9, 6, 1),
        _m("Complete {target}% of reviews on time", "%", 0, 95),
    ), "people"),
    _o("Earn and keep our customers' trust", (
        _ms("Pass the SOC 2 Type II audit with no exceptions"),
        _m("Keep platform availability at {target}%", "%", 99.8, 99.95, 2),
        _m("Fix critical vulnerabilities within {target} days", "days", 21, 7),
    ), "trust"),
)

# --- Departments (by top-level department code) -------------------------------

DEPARTMENT_OBJECTIVES: dict[str, tuple[ObjectiveSpec, ...]] = {
    "ENG": (
        _o("Make the platform fast and reliable", (
            _m("Reduce p95 API latency from {start} ms to {target} ms", "ms", 340, 220),
            _m("Raise availability to {target}%", "%", 99.8, 99.95, 2),
            _m("Cut P1 incidents to {target} a quarter", "incidents", 9, 4),
            _ms("Move every service to the new Kubernetes cluster"),
        ), "trust"),
        _o("Ship faster with confidence", (
            _m("Raise deploys to {target} a week", "deploys", 40, 70),
            _m("Cut change failure rate to {target}%", "%", 14, 8),
            _m("Cut lead time for changes to {target} days", "days", 4.5, 2, 1),
        ), "product"),
        _o("Lower the cost of running the product", (
            _m("Cut monthly cloud spend to ${target}k", "$k", 410, 350),
            _ms("Retire the legacy reporting database"),
            _m("Cut CI minutes per build to {target}", "minutes", 24, 15),
        ), "efficiency"),
    ),
    "PRD": (
        _o("Deliver the roadmap customers need", (
            _ms("Launch calibration in the app"),
            _m("Lift new-account activation to {target}%", "%", 42, 55),
            _m("Run {target} customer discovery interviews", "interviews", 0, 60),
        ), "product"),
        _o("Make Cadence a joy to use", (
            _m("Raise the SUS score from {start} to {target}", "points", 68, 75),
            _m("Cut time to set a first goal to {target} s", "s", 95, 60),
            _ms("Ship the new design system to every page"),
        ), "customers"),
    ),
    "SAL": (
        _o("Grow new business", (
            _m("Close ${target}M of new ARR", "$M", 0, 6.5, 1),
            _m("Raise win rate from {start}% to {target}%", "%", 21, 26),
            _m("Build pipeline coverage of {target}x", "x", 2.4, 3.5, 1),
        ), "growth"),
        _o("Break into the enterprise segment", (
            _m("Win {target} enterprise logos", "logos", 0, 18),
            _m("Cut the enterprise sales cycle to {target} days", "days", 92, 75),
            _ms("Certify every account executive on the new enterprise playbook"),
        ), "growth"),
        _o("Forecast with confidence", (
            _m("Keep forecast error under {target}%", "%", 14, 7),
            _m("Log next steps on {target}% of open opportunities", "%", 60, 95),
        ), "efficiency"),
    ),
    "MKT": (
        _o("Fill the pipeline with qualified demand", (
            _m("Generate {target} marketing qualified leads", "MQLs", 0, 4200),
            _m("Raise MQL-to-SQL conversion to {target}%", "%", 18, 24),
            _m("Cut cost per lead to ${target}", "$", 210, 170),
        ), "growth"),
        _o("Build a brand HR leaders trust", (
            _ms("Launch the new website"),
            _m("Grow organic traffic to {target}k visits a month", "k visits", 180, 230),
            _m("Publish {target} customer stories", "stories", 0, 12),
        ), "customers"),
    ),
    "CS": (
        _o("Keep every customer we win", (
            _m("Cut quarterly gross churn to {target}%", "%", 3.4, 2.5, 1),
            _m("Raise CSAT to {target}%", "%", 87, 92),
            _m("Run health checks with {target}% of top accounts", "%", 40, 90),
        ), "customers"),
        _o("Resolve customer issues faster", (
            _m("Cut first response time to {target} h", "h", 6.5, 4, 1),
            _m("Raise first-contact resolution to {target}%", "%", 64, 72),
            _ms("Launch the self-service help centre"),
        ), "customers"),
        _o("Grow our existing accounts", (
            _m("Close ${target}M of expansion ARR", "$M", 0, 2.4, 1),
            _m("Raise seat utilisation to {target}%", "%", 74, 82),
        ), "growth"),
    ),
    "FIN": (
        _o("Close the books faster", (
            _m("Close the books in {target} working days", "days", 9, 6),
            _m("Automate {target}% of invoice matching", "%", 40, 70),
            _ms("Move expense approvals to the new system"),
        ), "efficiency"),
        _o("Plan and control spend", (
            _m("Keep forecast variance within {target}%", "%", 6, 3, 1),
            _ms("Agree the FY budget with every department head"),
            _m("Cut the procurement cycle to {target} days", "days", 18, 12),
        ), "efficiency"),
    ),
    "PPL": (
        _o("Hire the people we need, fast", (
            _m("Cut time to fill to {target} days", "days", 52, 40),
            _m("Fill {target} open roles", "hires", 0, 120),
            _m("Raise offer acceptance to {target}%", "%", 78, 86),
        ), "people"),
        _o("Grow and keep our people", (
            _m("Lift the engagement score to {target}", "points", 71, 76),
            _m("Agree development plans with {target}% of employees", "%", 35, 90),
            _ms("Launch the manager essentials programme"),
        ), "people"),
        _o("Run a fair, on-time review cycle", (
            _m("Complete {target}% of reviews on time", "%", 0, 95),
            _ms("Calibrate every department before release"),
            _m("Cut the gender rating gap to {target} points", "points", 0.12, 0.05, 2),
        ), "people"),
    ),
    "OPS": (
        _o("Keep the company running smoothly", (
            _m("Resolve IT tickets within {target} h", "h", 14, 8),
            _m("Ship laptops to new hires {target} days before they start", "days", 1, 5),
            _ms("Open the new Austin office"),
        ), "efficiency"),
        _o("Stay compliant and secure", (
            _ms("Complete ISO 27001 readiness"),
            _m("Cut contract turnaround to {target} days", "days", 9, 5),
            _m("Complete security training: {target}% of staff", "%", 70, 98),
        ), "trust"),
    ),
}

# --- Personal (by job family key) ---------------------------------------------

PERSONAL_OBJECTIVES: dict[str, tuple[ObjectiveSpec, ...]] = {
    "engineering": (
        _o("Make the checkout service faster", (
            _m("Cut p95 checkout latency from {start} ms to {target} ms", "ms", 420, 250),
            _m("Cut slow database queries to {target} a day", "queries", 140, 40),
            _ms("Add caching to the pricing endpoint"),
        )),
        _o("Improve the reliability of my services", (
            _m("Raise the error-budget remaining to {target}%", "%", 40, 75),
            _m("Cut pages out of hours to {target} a month", "pages", 12, 4),
            _ms("Write runbooks for every alert I own"),
        )),
        _o("Raise the quality of what we ship", (
            _m("Raise test coverage from {start}% to {target}%", "%", 61, 80),
            _m("Cut flaky tests to {target}", "tests", 35, 5),
            _m("Review {target} pull requests from other teams", "reviews", 0, 30),
        )),
        _o("Deliver the new notifications service", (
            _ms("Design reviewed and approved"),
            _ms("Beta live for internal users"),
            _m("Move {target}% of email traffic to the new service", "%", 0, 100),
        )),
        _o("Grow as an engineer", (
            _ms("Lead the design of one cross-team feature"),
            _m("Give {target} tech talks or brown-bags", "talks", 0, 2),
            _ms("Complete the distributed systems course"),
        )),
    ),
    "data": (
        _o("Make data people can trust", (
            _m("Cover {target}% of core tables with data tests", "%", 30, 80),
            _m("Cut pipeline failures to {target} a month", "failures", 11, 3),
            _ms("Publish the metrics dictionary"),
        )),
        _o("Speed up the analytics warehouse", (
            _m("Cut median dashboard load time to {target} s", "s", 9.5, 4, 1),
            _m("Cut warehouse cost to ${target}k a month", "$k", 38, 30),
        )),
        _o("Ship the churn prediction model", (
            _ms("Model validated against last year's churn"),
            _m("Reach an AUC of {target}", "AUC", 0.71, 0.8, 2),
            _ms("Scores visible to account managers"),
        )),
    ),
    "product": (
        _o("Launch goal templates", (
            _ms("Discovery done with 10 customers"),
            _ms("Released to all customers"),
            _m("Reach {target}% adoption among new accounts", "%", 0, 30),
        )),
        _o("Improve activation of new accounts", (
            _m("Lift week-one activation from {start}% to {target}%", "%", 38, 50),
            _m("Cut time to first review cycle to {target} days", "days", 21, 12),
        )),
        _o("Get closer to our customers", (
            _m("Hold {target} customer interviews", "interviews", 0, 20),
            _m("Cut the feedback backlog to {target} items", "items", 240, 80),
        )),
    ),
    "design": (
        _o("Make the review forms easier to fill in", (
            _m("Cut time to complete a self-review to {target} min", "min", 34, 20),
            _m("Raise task success in usability tests to {target}%", "%", 72, 90),
            _ms("Ship the redesigned review form"),
        )),
        _o("Grow the design system", (
            _m("Move {target}% of pages to design-system components", "%", 45, 80),
            _m("Fix {target} accessibility issues", "issues", 0, 60),
        )),
        _o("Learn from users every week", (
            _m("Run {target} usability sessions", "sessions", 0, 24),
            _ms("Publish the quarterly insights report"),
        )),
    ),
    "sales": (
        _o("Hit my new-business quota", (
            _m("Close ${target}k of new ARR", "$k", 0, 420),
            _m("Raise my win rate to {target}%", "%", 19, 25),
            _m("Build ${target}k of qualified pipeline", "$k", 300, 1200),
        )),
        _o("Build a healthy pipeline", (
            _m("Run {target} discovery calls", "calls", 0, 60),
            _m("Keep {target}% of opportunities with a next step", "%", 55, 90),
            _m("Source {target} opportunities myself", "opportunities", 0, 15),
        )),
        _o("Land a flagship enterprise account", (
            _ms("Executive sponsor identified"),
            _ms("Security review passed"),
            _ms("Contract signed"),
        )),
        _o("Forecast accurately", (
            _m("Keep my forecast error under {target}%", "%", 20, 10),
            _m("Update {target}% of deals in the CRM every week", "%", 70, 100),
        )),
    ),
    "marketing": (
        _o("Generate demand for the new reviews product", (
            _m("Generate {target} MQLs from my campaigns", "MQLs", 0, 600),
            _m("Raise landing-page conversion to {target}%", "%", 2.1, 3.5, 1),
            _ms("Launch the Reviews 2.0 campaign"),
        )),
        _o("Grow organic reach", (
            _m("Publish {target} articles", "articles", 0, 12),
            _m("Grow newsletter subscribers to {target}", "subscribers", 8200, 11000),
            _m("Rank in the top 3 for {target} keywords", "keywords", 4, 15),
        )),
        _o("Spend the budget wisely", (
            _m("Cut cost per MQL to ${target}", "$", 190, 150),
            _m("Raise return on ad spend to {target}x", "x", 2.2, 3.0, 1),
        )),
    ),
    "customer_success": (
        _o("Delight my customers", (
            _m("Raise my CSAT to {target}%", "%", 86, 93),
            _m("Cut my first response time to {target} h", "h", 7, 4, 1),
            _m("Resolve {target}% of tickets on first contact", "%", 60, 72),
        )),
        _o("Keep my accounts healthy", (
            _m("Hold business reviews with {target} accounts", "reviews", 0, 12),
            _m("Cut at-risk accounts to {target}", "accounts", 9, 3),
            _ms("Renewal plan agreed for every account renewing next quarter"),
        )),
        _o("Grow my book of business", (
            _m("Close ${target}k of expansion", "$k", 0, 180),
            _m("Raise seat utilisation to {target}%", "%", 70, 85),
        )),
        _o("Share what I know", (
            _m("Write {target} help-centre articles", "articles", 0, 8),
            _ms("Run onboarding training for new starters"),
        )),
    ),
    "finance": (
        _o("Speed up the month-end close", (
            _m("Cut my close tasks to {target} days", "days", 6, 3),
            _m("Automate {target} reconciliations", "reconciliations", 0, 10),
        )),
        _o("Improve the forecast", (
            _m("Keep department forecast variance under {target}%", "%", 8, 4, 1),
            _ms("Rebuild the headcount model"),
        )),
        _o("Tighten controls", (
            _m("Clear {target} audit findings", "findings", 0, 6),
            _m("Cut overdue receivables to ${target}k", "$k", 850, 500),
        )),
    ),
    "people": (
        _o("Hire great people for my teams", (
            _m("Make {target} hires", "hires", 0, 12),
            _m("Cut my time to fill to {target} days", "days", 55, 40),
            _m("Raise candidate NPS to {target}", "NPS", 35, 50),
        )),
        _o("Support managers through the review cycle", (
            _m("Run {target} calibration sessions", "sessions", 0, 8),
            _m("Get {target}% of reviews submitted on time", "%", 0, 95),
            _ms("Publish the manager guide to fair ratings"),
        )),
        _o("Lift engagement in my client groups", (
            _m("Raise engagement from {start} to {target}", "points", 69, 74),
            _m("Agree action plans with {target}% of teams", "%", 20, 90),
        )),
    ),
    "operations": (
        _o("Make IT support effortless", (
            _m("Resolve tickets within {target} h", "h", 16, 8),
            _m("Raise support CSAT to {target}%", "%", 84, 92),
            _ms("Roll out single sign-on to every tool"),
        )),
        _o("Run great offices", (
            _m("Raise workplace satisfaction to {target}%", "%", 76, 85),
            _m("Cut facilities requests open over a week to {target}", "requests", 25, 5),
        )),
        _o("Cut the cost of tools", (
            _m("Cut SaaS spend to ${target}k a month", "$k", 240, 205),
            _m("Retire {target} unused tools", "tools", 0, 12),
        )),
    ),
    "legal": (
        _o("Turn contracts around faster", (
            _m("Cut contract turnaround to {target} days", "days", 9, 5),
            _ms("Publish the self-serve NDA"),
            _m("Move {target}% of contracts to standard templates", "%", 55, 80),
        )),
        _o("Keep us compliant", (
            _ms("Complete the GDPR records-of-processing review"),
            _m("Train {target}% of staff on the code of conduct", "%", 60, 98),
        )),
    ),
}

# A manager's goal is often about their team rather than their craft.
LEADERSHIP_OBJECTIVES: tuple[ObjectiveSpec, ...] = (
    _o("Build a team that delivers", (
        _m("Fill {target} open roles on my team", "hires", 0, 4),
        _m("Raise my team's engagement score to {target}", "points", 68, 76),
        _ms("Agree a development plan with every report"),
    )),
    _o("Coach my team to grow", (
        _m("Hold 1:1s with every report {target} times a month", "1:1s", 2, 4),
        _m("Give feedback on {target}% of my team's goals", "%", 30, 100),
        _ms("Identify and brief a successor"),
    )),
    _o("Run a fair review cycle for my team", (
        _m("Submit {target}% of my manager reviews on time", "%", 0, 100),
        _ms("Calibrate ratings with my peers"),
    )),
)

COMMENTS: dict[str, tuple[str, ...]] = {
    "on_track": (
        "Good week, on plan.",
        "Ahead of where I expected.",
        "The last change landed well.",
        "Steady progress, no blockers.",
        "Numbers moving the right way.",
    ),
    "at_risk": (
        "Slower than planned; catching up next sprint.",
        "Waiting on another team for a dependency.",
        "Lost a week to incidents.",
        "Need to re-plan the second half.",
    ),
    "off_track": (
        "Blocked: escalated to my manager.",
        "Priorities changed; this slipped.",
        "Will not make it this quarter at this rate.",
        "Under-staffed since the re-org.",
    ),
}

# --- KPIs ------------------------------------------------------------------------

_k = KpiSpec

DEPARTMENT_KPIS: dict[str, tuple[KpiSpec, ...]] = {
    "ENG": (
        _k("Platform availability", "%", "monthly", 99.95, 99.9, 99.5, 2,
           "Minutes up / minutes in the month, all customer-facing services."),
        _k("Deployment frequency", "deploys", "weekly", 60, 45, 30, 0,
           "Production deploys in the week."),
        _k("Change failure rate", "%", "monthly", 10, 15, 20, 1,
           "Deploys causing an incident / all deploys, in the month."),
    ),
    "PRD": (
        _k("Weekly active users", "k users", "weekly", 150, 130, 110, 1,
           "Distinct users signed in during the week."),
        _k("Feature adoption", "%", "monthly", 50, 40, 30, 1,
           "Accounts using three or more modules / all accounts."),
    ),
    "SAL": (
        _k("New ARR booked", "$k", "monthly", 2000, 1700, 1400, 0,
           "Annual value of new contracts signed in the month."),
        _k("Win rate", "%", "monthly", 25, 20, 15, 1,
           "Won / (won + lost) opportunities closed in the month."),
        _k("Pipeline coverage", "x", "weekly", 3, 2.5, 2, 2,
           "Open qualified pipeline / remaining quota."),
    ),
    "MKT": (
        _k("Marketing qualified leads", "MQLs", "weekly", 350, 300, 240, 0,
           "Leads scored as qualified in the week."),
        _k("Cost per lead", "$", "monthly", 170, 200, 240, 0,
           "Programme spend / new leads, in the month."),
    ),
    "CS": (
        _k("Customer satisfaction (CSAT)", "%", "monthly", 92, 88, 84, 1,
           "Satisfied responses / all survey responses."),
        _k("First response time", "h", "weekly", 4, 6, 8, 1,
           "Median hours from ticket opened to first human reply."),
        _k("Gross revenue churn", "%", "monthly", 0.8, 1.1, 1.5, 2,
           "ARR lost to cancellations and downgrades / ARR at the start of the month."),
    ),
    "FIN": (
        _k("Days to close", "days", "monthly", 5, 7, 9, 1,
           "Working days from month end to signed-off accounts."),
        _k("Days sales outstanding", "days", "monthly", 45, 55, 65, 1,
           "Receivables / revenue × days in the month."),
    ),
    "PPL": (
        _k("Time to fill", "days", "monthly", 40, 50, 60, 1,
           "Median days from requisition opened to offer accepted."),
        _k("Regretted attrition (annualised)", "%", "monthly", 6, 8, 10, 1,
           "Regretted leavers in the month × 12 / average headcount."),
        _k("Offer acceptance rate", "%", "monthly", 85, 80, 70, 1,
           "Offers accepted / offers made, in the month."),
    ),
    "OPS": (
        _k("IT ticket resolution time", "h", "weekly", 8, 12, 16, 1,
           "Median hours from ticket opened to resolved."),
        _k("Ready on day one", "%", "monthly", 98, 95, 90, 1,
           "New hires with a working laptop and accounts on their first day."),
    ),
}

# (job family key, level rank) → KPIs everyone in that job profile is measured on.
JOB_PROFILE_KPIS: dict[tuple[str, int], tuple[KpiSpec, ...]] = {
    ("engineering", 2): (
        _k("Pull requests merged", "PRs", "weekly", 8, 6, 4, 1,
           "Average merged pull requests per engineer in the week."),
        _k("Code review turnaround", "h", "weekly", 12, 24, 36, 1,
           "Median hours from review requested to first review."),
    ),
    ("sales", 2): (
        _k("Quota attainment", "%", "monthly", 100, 85, 70, 1,
           "Bookings in the month / monthly quota, averaged over the team."),
        _k("Qualified meetings booked", "meetings", "weekly", 10, 8, 6, 1,
           "Average first meetings with qualified prospects in the week."),
    ),
    ("customer_success", 2): (
        _k("Tickets resolved", "tickets", "weekly", 45, 38, 30, 1,
           "Average tickets resolved per person in the week."),
        _k("Agent CSAT", "%", "monthly", 93, 89, 85, 1,
           "Satisfied responses / responses, for tickets the person resolved."),
    ),
    ("people", 2): (
        _k("Hires per recruiter", "hires", "monthly", 4, 3, 2, 1,
           "Offers accepted per recruiter in the month."),
    ),
    ("marketing", 3): (
        _k("Campaign ROI", "x", "monthly", 4, 3, 2, 1,
           "Pipeline sourced / campaign spend, in the month."),
    ),
}
# fmt: on

"""The fixed material the demo organisation is drawn from: departments,
locations, job families and levels, competencies and name pools. Only data
here; the generator in `cadence.people.demo` decides how to combine it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# --- Locations ---------------------------------------------------------------


@dataclass(frozen=True)
class LocationSpec:
    code: str
    name: str
    country: str  # ISO 3166-1 alpha-2
    timezone: str
    currency: str


LOCATIONS: tuple[LocationSpec, ...] = (
    LocationSpec("NYC", "New York", "US", "America/New_York", "USD"),
    LocationSpec("SFO", "San Francisco", "US", "America/Los_Angeles", "USD"),
    LocationSpec("AUS", "Austin", "US", "America/Chicago", "USD"),
    LocationSpec("TOR", "Toronto", "CA", "America/Toronto", "CAD"),
    LocationSpec("LON", "London", "GB", "Europe/London", "GBP"),
    LocationSpec("DUB", "Dublin", "IE", "Europe/Dublin", "EUR"),
    LocationSpec("BER", "Berlin", "DE", "Europe/Berlin", "EUR"),
    LocationSpec("BLR", "Bengaluru", "IN", "Asia/Kolkata", "INR"),
    LocationSpec("SIN", "Singapore", "SG", "Asia/Singapore", "SGD"),
    LocationSpec("SYD", "Sydney", "AU", "Australia/Sydney", "AUD"),
    LocationSpec("SAO", "São Paulo", "BR", "America/Sao_Paulo", "BRL"),
    LocationSpec("MEX", "Mexico City", "MX", "America/Mexico_City", "MXN"),
)

# Local pay relative to the US range (market level and exchange rate), and
# the unit salaries are rounded to.
CURRENCY_FACTORS: dict[str, tuple[float, int]] = {
    "USD": (1.0, 100),
    "CAD": (1.1, 100),
    "GBP": (0.62, 100),
    "EUR": (0.72, 100),
    "INR": (28.0, 10_000),
    "SGD": (1.15, 100),
    "AUD": (1.3, 100),
    "BRL": (2.4, 100),
    "MXN": (9.0, 1_000),
}

# --- Job levels and pay ------------------------------------------------------

# rank, code, name, US midpoint
LEVELS: tuple[tuple[int, str, str, int], ...] = (
    (1, "L1", "Associate", 56_000),
    (2, "L2", "Professional", 72_000),
    (3, "L3", "Senior Professional", 94_000),
    (4, "L4", "Lead", 118_000),
    (5, "L5", "Manager", 145_000),
    (6, "L6", "Director", 182_000),
    (7, "L7", "Vice President", 235_000),
    (8, "L8", "Executive", 320_000),
)
RANGE_SPREAD = 0.2  # minimum and maximum are ±20 % of the midpoint

LEVEL_SCOPE: dict[int, str] = {
    1: "Learns the role and delivers well-defined tasks under close guidance.",
    2: "Delivers their own work independently and asks for help on unusual problems.",
    3: "Handles complex work end to end and guides less experienced colleagues.",
    4: "Leads a team or a body of work and sets the quality bar for it.",
    5: "Manages managers or a large team and owns the results of their area.",
    6: "Leads a function: sets its direction, budget and organisation.",
    7: "Leads a department and is accountable for its strategy and results.",
    8: "Leads the company together with the board.",
}

LEVEL_DUTIES: dict[int, tuple[str, ...]] = {
    1: ("Complete assigned tasks accurately and on time", "Build knowledge of tools and processes"),
    2: ("Plan and deliver own work with little supervision", "Share progress and risks early"),
    3: ("Break complex problems down and deliver them", "Mentor junior colleagues"),
    4: ("Set priorities and quality standards for the team", "Coach team members weekly"),
    5: ("Hire, develop and retain a strong team", "Run performance reviews and calibration"),
    6: ("Set the function's strategy and annual plan", "Own the function's budget and headcount"),
    7: ("Set the department's strategy with the leadership team", "Develop the next leaders"),
    8: ("Set the company's direction and culture", "Report to the board"),
}

LEVEL_STANDARDS: dict[int, tuple[str, ...]] = {
    1: ("At least 90% of assigned tasks delivered on time with few corrections",),
    2: ("Commitments met in at least 9 of 10 planning periods",),
    3: ("Complex deliverables shipped with no critical defects; two colleagues mentored a year",),
    4: ("Team meets at least 85% of its quarterly objectives; engagement at or above company",),
    5: ("Area meets its objectives; regretted attrition under 8% a year",),
    6: ("Function delivers its annual plan within budget",),
    7: ("Department meets its annual targets; succession cover for every direct report",),
    8: ("Company meets the goals agreed with the board",),
}

# --- Job families ------------------------------------------------------------


@dataclass(frozen=True)
class FamilySpec:
    key: str
    name: str
    role: str  # the individual-contributor title, e.g. "Software Engineer"
    manager_title: str  # the L5 title
    area: str  # "Director of <area>", "Vice President of <area>"
    description: str
    duties: tuple[str, ...]
    standards: tuple[str, ...]
    competencies: tuple[str, ...]


FAMILIES: tuple[FamilySpec, ...] = (
    FamilySpec(
        "engineering",
        "Engineering",
        "Software Engineer",
        "Engineering Manager",
        "Engineering",
        "Designs, builds and runs the software the company sells and depends on.",
        (
            "Design, build and test software",
            "Review code and designs of peers",
            "Take part in the on-call rotation",
            "Keep services secure and observable",
        ),
        (
            "Changes reviewed and covered by tests before release",
            "Incidents in owned services resolved within the agreed service levels",
        ),
        ("Software Design", "Code Quality and Testing", "Operational Excellence"),
    ),
    FamilySpec(
        "data",
        "Data & Analytics",
        "Data Scientist",
        "Data Science Manager",
        "Data",
        "Turns the company's data into decisions, models and trustworthy reporting.",
        (
            "Build and maintain data pipelines and models",
            "Answer business questions with data",
            "Document datasets and metrics",
        ),
        (
            "Published metrics reconcile with source systems",
            "Analyses reviewed by a peer before they are shared",
        ),
        ("Statistical Analysis", "Data Engineering", "Data Storytelling"),
    ),
    FamilySpec(
        "product",
        "Product Management",
        "Product Manager",
        "Group Product Manager",
        "Product",
        "Decides what to build and why, and measures whether it worked.",
        (
            "Run discovery with customers",
            "Own and prioritise the roadmap",
            "Write clear problem statements and requirements",
            "Measure outcomes after launch",
        ),
        ("Every launched feature has a success measure reviewed after 90 days",),
        ("Product Discovery", "Roadmapping and Prioritisation", "Product Analytics"),
    ),
    FamilySpec(
        "design",
        "Design",
        "Product Designer",
        "Design Manager",
        "Design",
        "Designs and researches the experience of the company's products.",
        (
            "Design flows, interfaces and prototypes",
            "Plan and run user research",
            "Contribute to the design system",
        ),
        ("Designs tested with users before build", "Accessibility guidelines met in every release"),
        ("Interaction Design", "User Research Methods", "Visual Design"),
    ),
    FamilySpec(
        "sales",
        "Sales",
        "Account Executive",
        "Sales Manager",
        "Sales",
        "Wins and grows customer accounts.",
        (
            "Build and qualify pipeline",
            "Run discovery calls and demonstrations",
            "Negotiate and close contracts",
            "Keep the CRM accurate",
        ),
        ("Quota attainment of at least 90%", "Forecast within 10% of actual bookings"),
        ("Pipeline Management", "Negotiation", "Account Planning"),
    ),
    FamilySpec(
        "marketing",
        "Marketing",
        "Marketing Specialist",
        "Marketing Manager",
        "Marketing",
        "Builds the brand and generates demand.",
        (
            "Plan and run campaigns",
            "Produce content and messaging",
            "Report on campaign performance",
        ),
        ("Campaigns meet their pipeline targets", "Campaign spend within 5% of budget"),
        ("Campaign Management", "Brand Storytelling", "Marketing Analytics"),
    ),
    FamilySpec(
        "customer_success",
        "Customer Success",
        "Customer Success Specialist",
        "Customer Success Team Manager",
        "Customer Success",
        "Helps customers get value from the product and stay with us.",
        ("Onboard new customers", "Resolve customer issues", "Run account health reviews"),
        ("First response within 4 business hours", "Customer satisfaction of at least 90%"),
        ("Customer Onboarding", "Issue Resolution", "Account Health Management"),
    ),
    FamilySpec(
        "finance",
        "Finance",
        "Financial Analyst",
        "Finance Manager",
        "Finance",
        "Keeps the books, plans the money and controls spending.",
        (
            "Prepare monthly close and reporting",
            "Build budgets and forecasts",
            "Operate financial controls",
        ),
        ("Monthly close complete within 5 business days", "No material audit findings"),
        ("Financial Reporting", "Forecasting and Budgeting", "Financial Controls"),
    ),
    FamilySpec(
        "people",
        "People & HR",
        "People Specialist",
        "HR Manager",
        "People",
        "Hires, develops and supports the people of the company.",
        (
            "Run recruiting and onboarding",
            "Advise managers on people matters",
            "Run the performance and development programme",
        ),
        ("Time to hire within 45 days", "Policies reviewed every year"),
        ("Recruiting and Selection", "Employee Relations", "HR Policy and Compliance"),
    ),
    FamilySpec(
        "operations",
        "Operations",
        "Operations Specialist",
        "Operations Manager",
        "Operations",
        "Runs the workplaces, systems and vendors the company relies on.",
        (
            "Run internal IT and workplace services",
            "Manage vendors and contracts",
            "Improve internal processes",
        ),
        ("Internal tickets resolved within service levels", "Vendor renewals never lapse"),
        ("Process Improvement", "Vendor Management", "IT Service Management"),
    ),
    FamilySpec(
        "legal",
        "Legal",
        "Legal Counsel",
        "Legal Manager",
        "Legal",
        "Protects the company and keeps it compliant.",
        ("Draft and review contracts", "Advise on regulatory questions", "Run compliance training"),
        ("Contracts reviewed within 5 business days",),
        ("Contract Drafting", "Regulatory Compliance", "Legal Risk Assessment"),
    ),
    FamilySpec(
        "executive",
        "Executive Leadership",
        "Executive",
        "Executive",
        "the Company",
        "Leads the company.",
        ("Set company strategy", "Build the leadership team"),
        ("Company meets its annual plan",),
        (),
    ),
)
FAMILY_BY_KEY = {f.key: f for f in FAMILIES}

# --- Departments -------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    family: str
    weight: float = 1.0
    locations: dict[str, int] = field(default_factory=dict)  # empty: the parent's
    children: tuple[DepartmentSpec, ...] = ()


_d = DepartmentSpec


COMPANY = DepartmentSpec(
    "CO",
    "Company",
    "executive",
    locations={"NYC": 1},
    children=(
        _d(
            "ENG",
            "Engineering",
            "engineering",
            weight=34,
            locations={"SFO": 25, "NYC": 15, "AUS": 10, "TOR": 10, "BER": 12, "BLR": 18, "LON": 10},
            children=(
                _d("ENG-PLT", "Platform", "engineering", weight=3),
                _d("ENG-PRD", "Product Engineering", "engineering", weight=5),
                _d("ENG-DAT", "Data", "data", weight=2),
                _d("ENG-INF", "Infrastructure", "engineering", weight=2),
                _d("ENG-SEC", "Security", "engineering", weight=1),
            ),
        ),
        _d(
            "PRD",
            "Product",
            "product",
            weight=7,
            locations={"SFO": 4, "NYC": 3, "LON": 2, "BER": 1},
            children=(
                _d("PRD-PM", "Product Management", "product", weight=3),
                _d("PRD-DES", "Design", "design", weight=2),
                _d("PRD-UXR", "User Research", "design", weight=1),
            ),
        ),
        _d(
            "SAL",
            "Sales",
            "sales",
            weight=18,
            locations={"NYC": 1},
            children=(
                _d(
                    "SAL-NA",
                    "North America",
                    "sales",
                    weight=4,
                    locations={"NYC": 4, "AUS": 3, "SFO": 2, "TOR": 2},
                ),
                _d("SAL-EMEA", "EMEA", "sales", weight=3, locations={"LON": 4, "DUB": 2, "BER": 3}),
                _d("SAL-APAC", "APAC", "sales", weight=2, locations={"SIN": 3, "SYD": 3, "BLR": 2}),
                _d("SAL-LATAM", "Latin America", "sales", weight=1, locations={"SAO": 3, "MEX": 2}),
            ),
        ),
        _d(
            "MKT",
            "Marketing",
            "marketing",
            weight=7,
            locations={"NYC": 4, "SFO": 2, "LON": 2},
            children=(
                _d("MKT-BRD", "Brand & Communications", "marketing", weight=1),
                _d("MKT-GRW", "Growth", "marketing", weight=2),
                _d("MKT-PMM", "Product Marketing", "marketing", weight=1),
            ),
        ),
        _d(
            "CS",
            "Customer Success",
            "customer_success",
            weight=13,
            locations={"AUS": 4, "DUB": 3, "BLR": 3, "SIN": 2, "MEX": 2, "TOR": 1},
            children=(
                _d("CS-SUP", "Support", "customer_success", weight=3),
                _d("CS-ONB", "Onboarding", "customer_success", weight=1),
                _d("CS-AM", "Account Management", "customer_success", weight=2),
            ),
        ),
        _d(
            "FIN",
            "Finance",
            "finance",
            weight=5,
            locations={"NYC": 3, "LON": 1, "BLR": 2},
            children=(
                _d("FIN-ACC", "Accounting", "finance", weight=2),
                _d("FIN-FPA", "FP&A", "finance", weight=1),
                _d("FIN-PRC", "Procurement", "finance", weight=1),
            ),
        ),
        _d(
            "PPL",
            "People",
            "people",
            weight=5,
            locations={"NYC": 3, "LON": 1, "BLR": 1, "AUS": 1},
            children=(
                _d("PPL-TA", "Talent Acquisition", "people", weight=2),
                _d("PPL-OPS", "People Operations", "people", weight=2),
                _d("PPL-LD", "Learning & Development", "people", weight=1),
            ),
        ),
        _d(
            "OPS",
            "Operations",
            "operations",
            weight=6,
            locations={"AUS": 3, "NYC": 2, "LON": 1, "DUB": 1},
            children=(
                _d("OPS-IT", "IT", "operations", weight=2),
                _d("OPS-WRK", "Workplace", "operations", weight=1),
                _d("OPS-LGL", "Legal & Compliance", "legal", weight=1),
            ),
        ),
    ),
)

# --- Competency framework ----------------------------------------------------

FRAMEWORK_NAME = "Cadence Competency Framework"
PROFICIENCY_LEVELS: tuple[tuple[int, str, str], ...] = (
    (1, "Foundation", "Knows the basics and applies them with guidance."),
    (2, "Developing", "Applies the competency independently in routine situations."),
    (3, "Proficient", "Applies it fully in complex situations; helps others."),
    (4, "Advanced", "A role model across teams; improves how others work."),
    (5, "Expert", "Sets the standard for the organisation; recognised authority."),
)

# name → the skill, as a noun phrase used in the behavioural indicators
CORE_COMPETENCIES: tuple[tuple[str, str], ...] = (
    ("Communication", "clear, timely written and spoken communication"),
    ("Collaboration", "collaboration across teams and functions"),
    ("Customer Focus", "understanding and serving customer needs"),
    ("Ownership", "ownership of outcomes and follow-through on commitments"),
    ("Learning Agility", "learning from experience and feedback"),
    ("Integrity and Inclusion", "honest, fair and inclusive behaviour"),
)
LEADERSHIP_COMPETENCIES: tuple[tuple[str, str], ...] = (
    ("Developing Others", "coaching and developing others"),
    ("Strategic Thinking", "strategic thinking and prioritisation"),
    ("Decision Making", "sound, timely decision-making"),
    ("Leading Change", "leading people through change"),
    ("Building Teams", "building and running high-performing teams"),
)

INDICATOR_TEMPLATES: dict[int, tuple[str, str]] = {
    1: (
        "Shows {skill} in familiar, well-defined situations, with guidance.",
        "Asks for feedback on their {skill} and acts on it.",
    ),
    2: (
        "Shows {skill} independently in routine work.",
        "Recognises when a situation calls for more {skill} and seeks support.",
    ),
    3: (
        "Shows {skill} consistently, including in complex or unfamiliar situations.",
        "Helps peers improve their {skill}.",
    ),
    4: (
        "Is a role model for {skill} across teams and handles the hardest cases.",
        "Coaches others and improves the team's practices for {skill}.",
    ),
    5: (
        "Sets the organisation's standard for {skill} and is sought out as the authority.",
        "Shapes strategy, policy or tools so that {skill} improves company-wide.",
    ),
}

# Expected proficiency by job level rank (index = rank); 0 means not expected.
EXPECTED_CORE = (0, 1, 2, 3, 3, 4, 4, 5, 5)
EXPECTED_LEADERSHIP = (0, 0, 0, 1, 2, 3, 4, 4, 5)
EXPECTED_FUNCTIONAL = (0, 1, 2, 3, 4, 4, 4, 4, 4)

# --- People ------------------------------------------------------------------

# Name pools: (female first names, male first names, last names, the usual
# EEO-1 category of people the pool stands for).
# fmt: off
NAME_POOLS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], str]] = {
    "anglo": (
        (
            "Emily", "Sarah", "Jessica", "Hannah", "Olivia", "Charlotte", "Grace", "Megan", "Laura",
            "Rachel", "Katherine", "Claire", "Amy", "Rebecca", "Lucy", "Abigail", "Natalie",
            "Molly", "Fiona", "Siobhan", "Heather", "Caitlin",
        ),
        (
            "James", "Michael", "David", "Daniel", "Matthew", "Andrew", "Thomas", "Ryan",
            "Benjamin", "Christopher", "William", "Samuel", "Patrick", "Liam", "Connor", "Owen",
            "Jack", "Nathan", "Ethan", "George", "Callum", "Declan",
        ),
        (
            "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Walker", "Wright",
            "Thompson", "Robinson", "Hughes", "Clarke", "Murphy", "O'Brien", "Kelly", "Walsh",
            "Campbell", "Stewart", "Mitchell", "Bennett", "Cooper", "Hayes", "Fletcher", "Morgan",
            "Reid", "Byrne", "Sullivan", "Foster", "Parker", "McAllister", "Graham",
        ),
        "white",
    ),
    "hispanic": (
        (
            "Sofía", "María", "Camila", "Valentina", "Isabella", "Lucía", "Gabriela", "Daniela",
            "Ana", "Carolina", "Fernanda", "Paula", "Beatriz", "Juliana",
        ),
        (
            "Carlos", "José", "Luis", "Miguel", "Juan", "Diego", "Javier", "Alejandro", "Mateo",
            "Andrés", "Rafael", "Gabriel", "Thiago", "Rodrigo",
        ),
        (
            "García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez",
            "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Morales", "Ortiz",
            "Castillo", "Silva", "Souza", "Oliveira", "Costa", "Pereira", "Almeida", "Ferreira",
        ),
        "hispanic_latino",
    ),
    "south_asian": (
        (
            "Priya", "Ananya", "Divya", "Kavya", "Meera", "Neha", "Pooja", "Sneha", "Aishwarya",
            "Lakshmi", "Riya", "Shreya", "Farah", "Harpreet",
        ),
        (
            "Arjun", "Rahul", "Vikram", "Rohan", "Aditya", "Karthik", "Sanjay", "Amit", "Nikhil",
            "Suresh", "Rajesh", "Varun", "Imran", "Gurpreet",
        ),
        (
            "Sharma", "Patel", "Iyer", "Reddy", "Gupta", "Nair", "Rao", "Menon", "Singh",
            "Krishnan", "Kumar", "Mehta", "Joshi", "Chatterjee", "Banerjee", "Desai", "Pillai",
            "Verma", "Qureshi", "Bhatt",
        ),
        "asian",
    ),
    "east_asian": (
        (
            "Mei", "Yuki", "Hana", "Ji-woo", "Xin", "Lin", "Sakura", "Min-ji", "Jia", "Aiko",
            "Thao", "Siew Ling",
        ),
        (
            "Wei", "Hiroshi", "Kenji", "Jun", "Min-jun", "Hao", "Takumi", "Yong", "Ren", "Minh",
            "Jian", "Daisuke",
        ),
        (
            "Wang", "Li", "Zhang", "Liu", "Chen", "Tanaka", "Suzuki", "Sato", "Kim", "Park", "Lee",
            "Choi", "Nguyen", "Tran", "Lim", "Tan", "Wong", "Ng", "Yamamoto", "Huang",
        ),
        "asian",
    ),
    "african": (
        (
            "Aaliyah", "Imani", "Nia", "Zuri", "Amara", "Ebony", "Keisha", "Ngozi", "Adaeze",
            "Chiamaka", "Abena", "Tiana",
        ),
        (
            "Malik", "Jamal", "DeShawn", "Kwame", "Tunde", "Chidi", "Darnell", "Marcus", "Kofi",
            "Emeka", "Jerome", "Andre",
        ),
        (
            "Washington", "Jackson", "Okafor", "Mensah", "Adeyemi", "Boateng", "Banks", "Coleman",
            "Okonkwo", "Asante", "Freeman", "Diallo", "Owusu", "Jefferson", "Mbeki", "Abara",
        ),
        "black",
    ),
    "european": (
        (
            "Anna", "Lena", "Julia", "Clara", "Marie", "Katrin", "Elena", "Ingrid", "Astrid",
            "Chiara", "Giulia", "Agnieszka", "Sanne", "Élodie",
        ),
        (
            "Lukas", "Jonas", "Felix", "Maximilian", "Tobias", "Stefan", "Matteo", "Luca", "Pierre",
            "Henrik", "Lars", "Marco", "Piotr", "Joost",
        ),
        (
            "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann",
            "Rossi", "Bianchi", "Dubois", "Laurent", "Jansen", "de Vries", "Nowak", "Kowalski",
            "Andersson", "Lindqvist", "Novák", "Horváth",
        ),
        "white",
    ),
    "middle_eastern": (
        (
            "Layla", "Fatima", "Noor", "Yasmin", "Leila", "Sara", "Dalia", "Rania",
        ),
        (
            "Omar", "Ahmed", "Karim", "Youssef", "Ali", "Hassan", "Tariq", "Samir",
        ),
        (
            "Haddad", "Khalil", "Nasser", "Rahman", "Hussein", "Farouk", "Aziz", "Saleh", "Mansour",
            "Darwish",
        ),
        "white",
    ),
    "pacific": (
        (
            "Leilani", "Malia", "Kalani", "Moana", "Alana",
        ),
        (
            "Kai", "Keoni", "Makoa", "Tama", "Sione",
        ),
        (
            "Kealoha", "Kahananui", "Akana", "Palakiko", "Tuilagi", "Fifita", "Taufa",
        ),
        "native_hawaiian_pacific",
    ),
}
# fmt: on

# Which name pools people at each country are drawn from, and how often.
# fmt: off
COUNTRY_POOLS: dict[str, dict[str, int]] = {
    "US": {
        "anglo": 48, "hispanic": 17, "african": 13, "east_asian": 8, "south_asian": 7,
        "european": 3, "middle_eastern": 2, "pacific": 1
    },
    "CA": {
        "anglo": 55, "east_asian": 12, "south_asian": 12, "european": 10, "african": 5,
        "middle_eastern": 4, "hispanic": 2
    },
    "GB": {
        "anglo": 64, "south_asian": 12, "african": 8, "european": 9, "east_asian": 4,
        "middle_eastern": 3
    },
    "IE": {"anglo": 75, "european": 15, "south_asian": 4, "african": 3, "east_asian": 3},
    "DE": {
        "european": 70, "middle_eastern": 12, "anglo": 8, "south_asian": 4, "east_asian": 3,
        "african": 3
    },
    "IN": {"south_asian": 97, "anglo": 1, "european": 1, "east_asian": 1},
    "SG": {"east_asian": 72, "south_asian": 16, "anglo": 6, "european": 6},
    "AU": {
        "anglo": 63, "east_asian": 15, "south_asian": 8, "european": 8, "pacific": 3,
        "middle_eastern": 3
    },
    "BR": {"hispanic": 80, "european": 10, "african": 10},
    "MX": {"hispanic": 92, "anglo": 4, "european": 4},
}
# fmt: on


# --- Values derived from the tables above -------------------------------------


def pay_grade_code(rank: int, currency: str) -> str:
    """The demo's pay grade for a job level in a currency, e.g. "L5-GBP"."""
    return f"L{rank}-{currency}"


def pay_band(us_midpoint: int, currency: str) -> dict[str, Decimal]:
    factor, unit = CURRENCY_FACTORS[currency]
    mid = Decimal(us_midpoint) * Decimal(str(factor))
    spread = Decimal(str(RANGE_SPREAD))
    return {
        "minimum": round_to_unit(mid * (1 - spread), unit),
        "midpoint": round_to_unit(mid, unit),
        "maximum": round_to_unit(mid * (1 + spread), unit),
    }


def job_title(family: FamilySpec, rank: int) -> str:
    if family.key == "executive":
        return "Chief Executive Officer"
    return {
        1: f"Associate {family.role}",
        2: family.role,
        3: f"Senior {family.role}",
        4: f"Lead {family.role}",
        5: family.manager_title,
        6: f"Director of {family.area}",
        7: f"Vice President of {family.area}",
    }[rank]


def age_band(age: int) -> str:
    if age < 25:
        return "under_25"
    if age < 35:
        return "25_34"
    if age < 45:
        return "35_44"
    if age < 55:
        return "45_54"
    return "55_plus"


def round_to_unit(value: Decimal, unit: int) -> Decimal:
    """`value` to the nearest `unit`, with two decimal places."""
    return (value / unit).quantize(Decimal(1)) * unit + Decimal("0.00")

"""The demo organisation: a realistic, deterministic company (departments,
locations, jobs, pay grades, a competency framework, employees in a
reporting tree, and their goals and KPIs) plus the demo logins, generated in
bulk.

The same number of employees, seed and `today` give the same organisation.
Trees get explicit ids so that their materialised paths are computed in
memory and written with the rows, in one pass."""

from __future__ import annotations

import datetime as dt
import math
import random
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction

from cadence.core import audit
from cadence.core.demo_rows import bulk_writes, foreign_keys_checked_once, insert_objects
from cadence.core.models import Role, RoleAssignment, User
from cadence.development.demo import generate_demo_development, wipe_demo_development
from cadence.feedback.demo import MODELS_WITH_EXPLICIT_IDS as FEEDBACK_EXPLICIT_IDS
from cadence.feedback.demo import generate_demo_feedback, wipe_demo_feedback
from cadence.goals.demo import MODELS_WITH_EXPLICIT_IDS, generate_demo_goals, wipe_demo_goals
from cadence.jobs.models import (
    BehaviouralIndicator,
    Competency,
    CompetencyCategory,
    CompetencyFramework,
    ExpectedProficiency,
    JobFamily,
    JobLevel,
    JobProfile,
    PayGrade,
    ProficiencyLevel,
)
from cadence.people import demo_data as data
from cadence.people.demo_data import (
    age_band,
    job_title,
    pay_band,
    pay_grade_code,
    round_to_unit,
)
from cadence.people.models import (
    Department,
    Employee,
    EmploymentStatus,
    Location,
    RaceEthnicity,
    Sex,
    child_path,
)
from cadence.reviews.demo import generate_demo_reviews, wipe_demo_reviews
from cadence.talent.demo import generate_demo_talent, wipe_demo_talent

DEMO_PASSWORD = "cadence-demo"
# The apps whose tables the demo fills.
DEMO_APPS = ("jobs", "people", "goals", "reviews", "feedback", "development", "talent")
MIN_SPAN, MAX_SPAN, MAX_DEPTH = 3, 12, 7
HISTORY_YEARS = 12
BATCH_SIZE = 1000
CURRENCY_BY_LOCATION = {spec.code: spec.currency for spec in data.LOCATIONS}

# email, what the login is for
DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    ("hr.admin@example.com", "HR admin: the whole organisation"),
    ("hrbp@example.com", "HR business partner for Engineering"),
    ("exec@example.com", "Executive: read-only dashboards for Sales"),
    ("manager@example.com", "Manager with a team of teams"),
    ("employee@example.com", "Employee reporting to manager@example.com"),
    ("auditor@example.com", "Auditor: the audit and access logs"),
)

# The demo's planted pay gap for women (pay equity then has something to find).
DEMO_PAY_GAP = 0.96


def logins_block() -> str:
    """The demo logins, ready to print."""
    width = max(len(email) for email, _ in DEMO_LOGINS)
    lines = [f"Demo logins (password: {DEMO_PASSWORD})"]
    lines += [f"  {email:<{width}}  {purpose}" for email, purpose in DEMO_LOGINS]
    return "\n".join(lines)


@dataclass
class DemoSummary:
    employees: int
    departments: int
    locations: int
    job_profiles: int
    competencies: int
    depth: int
    rows: int = 0
    # Seconds each step took (people, goals, reviews, ...), for the benchmark:
    # on the clock, and of this process's CPU time (the machine may be shared).
    steps: dict[str, float] = field(default_factory=dict)
    cpu_steps: dict[str, float] = field(default_factory=dict)


def organisation_exists() -> bool:
    return Employee.objects.exists()


def wipe_organisation() -> None:
    """Delete calibration and succession, improvement and development plans,
    feedback and 1:1s, reviews,
    goals and KPIs, employees, departments, locations and jobs.
    Logins and the audit and access logs stay (they are append-only)."""
    wipe_demo_talent()  # first: calibration points at results, succession at people
    wipe_demo_development()  # then plans and feedback, which point at goals, employees, jobs
    wipe_demo_feedback()
    wipe_demo_reviews()  # then reviews, which point at goals, employees and jobs
    wipe_demo_goals()  # then goals and KPIs, which hang off employees, departments and jobs
    Employee.objects.update(manager=None)
    Employee.objects.all().delete()
    Department.objects.update(parent=None)
    Department.objects.all().delete()
    Location.objects.all().delete()
    ExpectedProficiency.objects.all().delete()
    JobProfile.objects.all().delete()
    PayGrade.objects.all().delete()
    JobLevel.objects.all().delete()
    JobFamily.objects.all().delete()
    CompetencyFramework.objects.all().delete()


def generate_demo_organisation(
    *, employees: int, seed: int, today: dt.date | None = None, wipe: bool = False
) -> DemoSummary:
    """Create the demo organisation and the demo logins, and audit it as
    one `demo.create` by the system. With `wipe`, existing organisation data
    is deleted first; otherwise the organisation must be empty.

    One transaction, whose foreign keys are checked once at the end rather
    than on each of the millions of rows: SQLite's (outside any other
    transaction) by `PRAGMA foreign_key_check`, as loaddata does;
    PostgreSQL's by dropping the demo tables' keys and adding them back
    (core.demo_rows.foreign_keys_checked_once). A broken key undoes it all."""
    if employees < 1:
        raise ValueError("The demo organisation needs at least one employee.")
    started, cpu = time.perf_counter(), time.process_time()
    with connection.constraint_checks_disabled():
        summary = _generate(employees=employees, seed=seed, today=today, wipe=wipe)
    # The rest: wiping an old organisation, checking the foreign keys, the commit.
    summary.steps["wipe, checks, commit"] = (
        time.perf_counter() - started - sum(summary.steps.values())
    )
    summary.cpu_steps["wipe, checks, commit"] = (
        time.process_time() - cpu - sum(summary.cpu_steps.values())
    )
    if connection.vendor == "postgresql":
        # Millions of rows arrived at once: until autovacuum gets round to
        # it, the planner would believe the tables are nearly empty (at
        # 100,000 people: the home page 300 ms instead of 30).
        step, step_cpu = time.perf_counter(), time.process_time()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        summary.steps["statistics (ANALYZE)"] = time.perf_counter() - step
        summary.cpu_steps["statistics (ANALYZE)"] = time.process_time() - step_cpu
    return summary


@transaction.atomic
def _generate(*, employees: int, seed: int, today: dt.date | None, wipe: bool) -> DemoSummary:
    if wipe:
        wipe_organisation()
    elif organisation_exists():
        raise ValueError("The organisation is not empty.")
    builder = _Builder(random.Random(seed), today or dt.date.today())
    with bulk_writes(), foreign_keys_checked_once(_demo_tables()):
        summary = builder.build(employees)
    audit.record(
        None,
        "demo.create",
        builder.root_department,
        after={"employees": employees, "seed": seed, "rows": summary.rows},
    )
    connection.check_constraints()  # before the commit: a broken key undoes it all
    return summary


def _demo_tables() -> list[str]:
    """The tables the demo fills: those of its apps."""
    return [
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in DEMO_APPS and not model._meta.proxy
    ]


# --- The shape of the reporting tree -----------------------------------------


def _capacity(levels: int) -> int:
    """The most people a subtree of `levels` levels can hold."""
    return sum(MAX_SPAN**i for i in range(levels))


def _apportion(total: int, weights: Sequence[float], lo: int, hi: int) -> list[int]:
    """Split `total` in proportion to `weights`, each part within [lo, hi]."""
    scale = total / sum(weights)
    parts = [max(lo, min(hi, int(w * scale))) for w in weights]
    order = sorted(range(len(parts)), key=lambda i: -weights[i])
    diff = total - sum(parts)
    while diff:
        moved = False
        for i in order:
            if diff > 0 and parts[i] < hi:
                parts[i] += 1
                diff -= 1
                moved = True
            elif diff < 0 and parts[i] > lo:
                parts[i] -= 1
                diff += 1
                moved = True
            if not diff:
                break
        if not moved:
            raise ValueError("cannot apportion")
    return parts


@dataclass
class _Node:
    index: int
    parent: int | None
    depth: int
    level: int
    department: str
    location: str = ""
    children: list[int] = field(default_factory=list)


class _Builder:
    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.steps: dict[str, float] = {}
        self.cpu_steps: dict[str, float] = {}
        self.nodes: list[_Node] = []
        self.dept_specs: dict[str, data.DepartmentSpec] = {}
        self.dept_parent: dict[str, str | None] = {}
        self.rows = 0
        self._walk_departments(data.COMPANY, None)

    def _walk_departments(self, spec: data.DepartmentSpec, parent: str | None) -> None:
        self.dept_specs[spec.code] = spec
        self.dept_parent[spec.code] = parent
        for child in spec.children:
            self._walk_departments(child, spec.code)

    # -- tree ---------------------------------------------------------------

    def split(
        self, below: int, levels_below: int, weights: Sequence[float] | None = None
    ) -> tuple[list[int], int]:
        """The subtree sizes of a manager's managers, and how many individual
        contributors report to them directly, for `below` people beneath
        them. A manager subtree holds at least MIN_SPAN + 1 people."""
        if below <= MAX_SPAN or levels_below <= 1:
            return [], below
        cap = _capacity(levels_below - 1)
        lo = MIN_SPAN + 1
        if weights:
            count = max(MIN_SPAN, math.ceil(below / cap), min(len(weights), below // lo))
            count = min(count, MAX_SPAN, below // lo)
            chosen = list(weights[:count]) + [1.0] * (count - len(weights))
            return _apportion(below, chosen, lo, cap), 0
        ics = self.rng.choice((0, 0, 0, 1, 1, 2))
        for extra in (ics, 0):
            m_min = max(1, MIN_SPAN - extra, math.ceil((below - extra) / cap))
            m_max = min(MAX_SPAN - extra, (below - extra) // lo)
            if m_min <= m_max:
                ics = extra
                break
        m = self.rng.randint(m_min, max(m_min, min(m_max, 8)))
        sizes = _apportion(below - ics, [self.rng.uniform(0.6, 1.4) for _ in range(m)], lo, cap)
        return sizes, ics

    def add_node(self, parent: _Node | None, level: int, department: str) -> _Node:
        depth = parent.depth + 1 if parent else 1
        node = _Node(len(self.nodes), parent.index if parent else None, depth, level, department)
        self.nodes.append(node)
        if parent:
            parent.children.append(node.index)
        return node

    def grow(self, manager: _Node, below: int) -> None:
        """Place `below` people under `manager`, recursively."""
        spec = self.dept_specs[manager.department]
        # Only the head of a department splits it into its sub-departments.
        above = self.nodes[manager.parent] if manager.parent is not None else None
        is_head = above is None or above.department != manager.department
        subs = spec.children if is_head else ()
        weights = [s.weight for s in subs] if subs else None
        sizes, ics = self.split(below, MAX_DEPTH - manager.depth, weights)
        for i, size in enumerate(sizes):
            dept = subs[i].code if subs and i < len(subs) else manager.department
            child = self.add_node(manager, max(2, manager.level - 1), dept)
            self.grow(child, size - 1)
        for _ in range(ics):
            self.add_node(manager, self.ic_level(manager.level), manager.department)

    def ic_level(self, manager_level: int) -> int:
        top = max(1, min(4, manager_level - 1))
        return self.rng.choices(range(1, top + 1), weights=(20, 40, 30, 10)[:top])[0]

    # -- build --------------------------------------------------------------

    def build(self, employees: int) -> DemoSummary:
        started, cpu = time.perf_counter(), time.process_time()
        ceo = self.add_node(None, 8, data.COMPANY.code)
        self.grow(ceo, employees - 1)
        # Breadth-first order: managers before their reports.
        self.nodes.sort(key=lambda n: (n.depth, n.index))
        remap = {n.index: i for i, n in enumerate(self.nodes)}
        for n in self.nodes:
            n.index = remap[n.index]
            n.parent = remap[n.parent] if n.parent is not None else None
            n.children = [remap[c] for c in n.children]
        self.locations = self.create_locations()
        self.departments = self.create_departments()
        self.profiles, competencies = self.create_jobs()
        links = self.choose_login_employees()
        users = self.create_logins(links)
        self.create_employees(links, users)
        self.grant_roles(users)
        self.steps["people"] = time.perf_counter() - started
        self.cpu_steps["people"] = time.process_time() - cpu
        generators: tuple[tuple[str, Callable[..., Any]], ...] = (
            ("goals", generate_demo_goals),
            ("reviews", generate_demo_reviews),
            ("feedback", generate_demo_feedback),
            ("development", generate_demo_development),
            ("talent", generate_demo_talent),
        )
        for step, generate in generators:
            started, cpu = time.perf_counter(), time.process_time()
            self.rows += generate(rng=self.rng, today=self.today).rows
            self.steps[step] = time.perf_counter() - started
            self.cpu_steps[step] = time.process_time() - cpu
        _reset_sequences([Department, Employee, *MODELS_WITH_EXPLICIT_IDS, *FEEDBACK_EXPLICIT_IDS])
        return DemoSummary(
            employees=len(self.nodes),
            departments=len(self.departments),
            locations=len(self.locations),
            job_profiles=len(self.profiles),
            competencies=competencies,
            depth=max(n.depth for n in self.nodes),
            rows=self.rows,
            steps=self.steps,
            cpu_steps=self.cpu_steps,
        )

    def _bulk(self, model: type[models.Model], objs: list, batch_size: int = BATCH_SIZE) -> list:
        self.rows += len(objs)
        return model._default_manager.bulk_create(objs, batch_size=batch_size)

    def create_locations(self) -> dict[str, Location]:
        objs = [
            Location(code=s.code, name=s.name, country=s.country, timezone=s.timezone)
            for s in data.LOCATIONS
        ]
        return {loc.code: loc for loc in self._bulk(Location, objs)}

    def create_departments(self) -> dict[str, Department]:
        next_id = _next_id(Department)
        depts: dict[str, Department] = {}
        for code, spec in self.dept_specs.items():  # parents come first
            parent_code = self.dept_parent[code]
            parent = depts[parent_code] if parent_code else None
            dept = Department(
                id=next_id,
                name=spec.name,
                code=code,
                parent=parent,
                path=child_path(parent.path if parent else None, next_id),
                description=f"{spec.name} ({data.FAMILY_BY_KEY[spec.family].description})",
            )
            depts[code] = dept
            next_id += 1
        self._bulk(Department, list(depts.values()))
        self.root_department = depts[data.COMPANY.code]
        return depts

    def create_jobs(self) -> tuple[dict[tuple[str, int], JobProfile], int]:
        families = {f.key: JobFamily(name=f.name, description=f.description) for f in data.FAMILIES}
        self._bulk(JobFamily, list(families.values()))
        levels = {
            rank: JobLevel(code=code, name=name, rank=rank, description=data.LEVEL_SCOPE[rank])
            for rank, code, name, _ in data.LEVELS
        }
        self._bulk(JobLevel, list(levels.values()))
        grades = [
            PayGrade(code=pay_grade_code(rank, currency), currency=currency, **band)
            for rank, _, _, mid in data.LEVELS
            for currency in data.CURRENCY_FACTORS
            for band in [pay_band(mid, currency)]
        ]
        grade_by_code = {g.code: g for g in self._bulk(PayGrade, grades)}
        profiles: dict[tuple[str, int], JobProfile] = {}
        for family in data.FAMILIES:
            ranks = [8] if family.key == "executive" else range(1, 8)
            for rank in ranks:
                profiles[family.key, rank] = JobProfile(
                    title=job_title(family, rank),
                    family=families[family.key],
                    level=levels[rank],
                    pay_grade=grade_by_code[pay_grade_code(rank, "USD")],
                    summary=f"{job_title(family, rank)} in {family.area}. "
                    f"{family.description} {data.LEVEL_SCOPE[rank]}",
                    duties="\n".join(family.duties + data.LEVEL_DUTIES[rank]),
                    performance_standards="\n".join(family.standards + data.LEVEL_STANDARDS[rank]),
                )
        self._bulk(JobProfile, list(profiles.values()))
        return profiles, self.create_competencies(profiles)

    def create_competencies(self, profiles: dict[tuple[str, int], JobProfile]) -> int:
        framework = CompetencyFramework.objects.create(
            name=data.FRAMEWORK_NAME,
            description="Core, leadership and functional competencies for every job profile.",
        )
        self.rows += 1
        self._bulk(
            ProficiencyLevel,
            [
                ProficiencyLevel(framework=framework, level=lvl, name=name, description=desc)
                for lvl, name, desc in data.PROFICIENCY_LEVELS
            ],
        )
        specs: list[tuple[str, str, str, str]] = []  # name, skill, category, family
        specs += [(n, s, CompetencyCategory.CORE, "") for n, s in data.CORE_COMPETENCIES]
        specs += [
            (n, s, CompetencyCategory.LEADERSHIP, "") for n, s in data.LEADERSHIP_COMPETENCIES
        ]
        for family in data.FAMILIES:
            functional = CompetencyCategory.FUNCTIONAL
            specs += [(n, n.lower(), functional, family.key) for n in family.competencies]
        competencies = self._bulk(
            Competency,
            [
                Competency(
                    framework=framework,
                    name=name,
                    category=category,
                    description=(
                        f"Functional competency for {data.FAMILY_BY_KEY[fam].name}: {skill}."
                        if fam
                        else f"{skill[0].upper()}{skill[1:]}."
                    ),
                )
                for name, skill, category, fam in specs
            ],
        )
        indicators = [
            BehaviouralIndicator(competency=comp, level=lvl, description=t.format(skill=skill))
            for comp, (_, skill, _, _) in zip(competencies, specs, strict=True)
            for lvl, templates in data.INDICATOR_TEMPLATES.items()
            for t in templates
        ]
        self._bulk(BehaviouralIndicator, indicators)
        expected: list[ExpectedProficiency] = []
        for (family_key, rank), profile in profiles.items():
            for comp, (_, _, category, fam) in zip(competencies, specs, strict=True):
                if category == CompetencyCategory.CORE:
                    lvl = data.EXPECTED_CORE[rank]
                elif category == CompetencyCategory.LEADERSHIP:
                    lvl = data.EXPECTED_LEADERSHIP[rank]
                else:
                    lvl = data.EXPECTED_FUNCTIONAL[rank] if fam == family_key else 0
                if lvl:
                    expected.append(
                        ExpectedProficiency(job_profile=profile, competency=comp, level=lvl)
                    )
        self._bulk(ExpectedProficiency, expected)
        return len(competencies)

    # -- logins ---------------------------------------------------------------

    def choose_login_employees(self) -> dict[str, int]:
        """Which employee each demo login belongs to (by node index)."""
        nodes = self.nodes

        def has_grandchildren(n: _Node) -> bool:
            return any(nodes[c].children for c in n.children)

        def first(*conditions: Callable[[_Node], object]) -> _Node | None:
            for condition in conditions:
                for n in nodes:
                    if condition(n):
                        return n
            return None

        links: dict[str, int] = {}
        manager = first(
            lambda n: n.level == 5 and n.department.startswith("ENG") and has_grandchildren(n),
            lambda n: n.depth > 1 and has_grandchildren(n),
            lambda n: n.children,
        )
        if manager is not None:
            links["manager@example.com"] = manager.index
            reports = [nodes[c] for c in manager.children]
            leaves = [r for r in reports if not r.children]
            links["employee@example.com"] = (leaves or reports)[0].index
        taken = set(links.values())
        for email, condition in (
            ("hr.admin@example.com", lambda n: n.department == "PPL-OPS" and n.children),
            ("hr.admin@example.com", lambda n: n.department.startswith("PPL")),
            ("hrbp@example.com", lambda n: n.department.startswith("PPL") and 3 <= n.level <= 5),
            ("exec@example.com", lambda n: n.department == "SAL" and n.level == 7),
        ):
            if email in links:
                continue
            found = next((n for n in nodes if n.index not in taken and condition(n)), None)
            if found is not None:
                links[email] = found.index
                taken.add(found.index)
        return links

    def create_logins(self, links: dict[str, int]) -> dict[str, User]:
        password = make_password(DEMO_PASSWORD)  # hashed once for every demo login
        users: dict[str, User] = {}
        for email, _ in DEMO_LOGINS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email)
            user.password = password
            user.is_active = True
            user.failed_login_count = 0
            user.locked_until = None
            user.save()
            self.rows += 1
            users[email] = user
        RoleAssignment.objects.filter(user__in=users.values()).delete()
        return users

    def grant_roles(self, users: dict[str, User]) -> None:
        grants = [
            RoleAssignment(user=users["hr.admin@example.com"], role=Role.HR_ADMIN),
            RoleAssignment(
                user=users["hrbp@example.com"], role=Role.HRBP, department=self.departments["ENG"]
            ),
            RoleAssignment(
                user=users["exec@example.com"],
                role=Role.EXECUTIVE,
                department=self.departments["SAL"],
            ),
            RoleAssignment(user=users["auditor@example.com"], role=Role.AUDITOR),
        ]
        self._bulk(RoleAssignment, grants)

    # -- people ---------------------------------------------------------------

    def create_employees(self, links: dict[str, int], users: dict[str, User]) -> None:
        rng, today = self.rng, self.today
        nodes = self.nodes
        login_of = {index: email for email, index in links.items()}
        must_be_active: set[int] = set()
        for index in links.values():
            at: int | None = index
            while at is not None:
                must_be_active.add(at)
                at = nodes[at].parent
        first_id = _next_id(Employee)
        used_emails: dict[str, int] = {}
        company_start = today - dt.timedelta(days=int(HISTORY_YEARS * 365.25))
        rows: list[Employee] = []
        for n in nodes:
            manager = nodes[n.parent] if n.parent is not None else None
            n.location = self.pick_location(n, manager)
            loc = self.locations[n.location]
            currency = CURRENCY_BY_LOCATION[n.location]
            family_key = self.dept_specs[n.department].family if manager else "executive"
            if manager and family_key == "executive":  # staff of the CEO's office
                family_key = "operations"
            profile = self.profiles[family_key, n.level]
            sex = rng.choices(
                (Sex.FEMALE, Sex.MALE, Sex.NON_BINARY, Sex.UNDISCLOSED), (46, 50, 1.5, 2.5)
            )[0]
            pool_name = _weighted(rng, data.COUNTRY_POOLS[loc.country])
            female, male, last_names, pool_race = data.NAME_POOLS[pool_name]
            firsts = {Sex.FEMALE: female, Sex.MALE: male}.get(sex, female + male)
            first, last = rng.choice(firsts), rng.choice(last_names)
            if manager is None:
                hire = company_start
            else:
                span = (today - company_start).days
                days_ago = int(span * rng.random() ** max(0.5, 1.8 - 0.2 * n.level))
                hire = today - dt.timedelta(days=days_ago)
            tenure = (today - hire).days / 365.25
            age = min(66, max(21, round(rng.gauss(25 + 3.2 * n.level, 7))))
            age = max(age, math.ceil(21 + tenure))
            dob = today - dt.timedelta(days=int(age * 365.25) + rng.randint(0, 360))
            status = EmploymentStatus.ACTIVE
            if n.index not in must_be_active:
                roll = rng.random()
                if roll < (0.07 if not n.children else 0.0):
                    status = EmploymentStatus.TERMINATED
                elif roll > (0.97 if not n.children else 0.99):
                    status = EmploymentStatus.ON_LEAVE
            band = pay_band(data.LEVELS[n.level - 1][3], currency)
            compa = rng.gauss(0.95 + 0.01 * min(tenure, 8), 0.07)
            if sex == Sex.FEMALE:
                # Planted on purpose: women are paid about 4% less for the same
                # job, so the pay-equity page has a finding to show in the demo.
                compa *= DEMO_PAY_GAP
            unit = data.CURRENCY_FACTORS[currency][1]
            offer = round_to_unit(band["midpoint"] * Decimal(str(compa)), unit)
            salary = min(band["maximum"], max(band["minimum"], offer))
            login = login_of.get(n.index)
            email = login or _unique_email(first, last, used_emails)
            pk = first_id + n.index
            parent_path = rows[n.parent].reporting_path if n.parent is not None else None
            rows.append(
                Employee(
                    id=pk,
                    user=users[login] if login else None,
                    employee_number="",
                    first_name=first,
                    last_name=last,
                    email=email,
                    department=self.departments[n.department],
                    location=loc,
                    job_profile=profile,
                    manager_id=first_id + n.parent if n.parent is not None else None,
                    reporting_path=child_path(parent_path, pk),
                    hire_date=hire,
                    status=status,
                    salary=salary,
                    currency=currency,
                    sex=sex,
                    race_ethnicity=self.race(pool_race, loc.country),
                    date_of_birth=dob,
                    age_band=age_band(_age(dob, today)),
                    disability=_weighted(rng, {"no": 84, "yes": 6, "undisclosed": 10}),
                    veteran_status=_weighted(
                        rng,
                        {"no": 86, "yes": 6, "undisclosed": 8}
                        if loc.country == "US"
                        else {"no": 93, "yes": 1, "undisclosed": 6},
                    ),
                )
            )
        # Employee numbers follow hiring order, like an HR system's.
        for number, emp in enumerate(sorted(rows, key=lambda e: (e.hire_date, e.id)), start=1):
            emp.employee_number = f"E{number:06d}"
        for email, index in links.items():
            users[email].display_name = rows[index].full_name
            users[email].save(update_fields=["display_name"])
        self.rows += insert_objects(Employee, rows)

    def pick_location(self, node: _Node, manager: _Node | None) -> str:
        allowed = self.location_weights(node.department)
        if manager is not None and manager.location in allowed and self.rng.random() < 0.7:
            return manager.location
        return _weighted(self.rng, allowed)

    def location_weights(self, code: str) -> dict[str, int]:
        at: str | None = code
        while at is not None:
            if self.dept_specs[at].locations:
                return self.dept_specs[at].locations
            at = self.dept_parent[at]
        return {"NYC": 1}

    def race(self, pool_race: str, country: str) -> str:
        roll = self.rng.random()
        if roll < 0.07:
            return RaceEthnicity.UNDISCLOSED
        if roll < 0.11:
            return RaceEthnicity.TWO_OR_MORE
        if roll < 0.12 and country in ("US", "CA"):
            return RaceEthnicity.AMERICAN_INDIAN_ALASKA
        return pool_race


# --- Small helpers -------------------------------------------------------------


def _age(dob: dt.date, on: dt.date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = sorted(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_name.lower() if ch.isalnum())


def _unique_email(first: str, last: str, used: dict[str, int]) -> str:
    local = f"{_slug(first)}.{_slug(last)}"
    used[local] = used.get(local, 0) + 1
    suffix = str(used[local]) if used[local] > 1 else ""
    return f"{local}{suffix}@example.com"


def _next_id(model: type[models.Model]) -> int:
    top = model._default_manager.aggregate(top=models.Max("id"))["top"]
    return (top or 0) + 1


def _reset_sequences(model_list: list[type[models.Model]]) -> None:
    """After inserting explicit ids, move PostgreSQL's sequences past them
    (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


__all__ = [
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DemoSummary",
    "generate_demo_organisation",
    "logins_block",
    "organisation_exists",
    "wipe_organisation",
]

"""Benchmark scenario `load.pages`: the key pages and API endpoints under 1
and 20 concurrent users (issue 8: p95 under 150 ms at 10,000 employees with
20 users), their queries per request, and the peak memory of the server and
of the task worker.

1. The endpoints (`endpoints()`): home, directory, team goals, goal tree,
   review form (an open review of the manager login), cycle dashboard and
   programme health, and the API lists of employees, goals, assignments and
   programme health — each requested as the demo login that makes it
   biggest (the HR admin sees everyone; the manager has a team of teams).
2. Queries per request (`count_queries()`): each endpoint through Django's
   test client in this process, signed in as the same login, counted on
   the second request (the first warms caches).
3. The load: `cadence serve` (gunicorn; DEBUG off, a throwaway secret key,
   static files collected into a temporary directory) on 127.0.0.1 and a
   free port against the benchmark's database, then
   locust headless (benchmarks/locustfile.py) at each user level. Every
   simulated user signs in through /accounts/login/ and requests the
   endpoints in turn with a think time between requests; per endpoint:
   requests, median, p95 and failures. Requests still running when the
   window closes get up to 60 s to finish and are counted (so a slow page
   is not hidden by being cut off). The server's processes are sampled
   for their peak resident memory (VmHWM) throughout.
4. The worker: a cycle over the whole organisation is launched and a real
   `cadence worker --batch` runs the launch task; its peak memory and time.

Options (python -m benchmarks): --load-users 1,20 --load-seconds 40
--think 0.5-1.5 --web-workers N (default: what `cadence serve` picks).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.__main__ import Run

ADMIN = "hr.admin@example.com"
MANAGER = "manager@example.com"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


@dataclass(frozen=True)
class Endpoint:
    name: str
    login: str
    path: str


@dataclass
class LoadOptions:
    users: tuple[int, ...] = (1, 20)
    seconds: int = 40
    warmup_seconds: int = 10  # a first, unrecorded run, so no worker is cold
    think: tuple[float, float] = (0.5, 1.5)
    web_workers: int | None = None  # None: what `cadence serve` picks (2 × cores + 1)
    threads: int = 4
    worker: bool = True  # also measure `cadence worker` running a cycle launch


@dataclass
class _Sampler:
    """Peak resident memory of a process and its descendants, sampled."""

    root: int
    peaks_kb: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self.sample()

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    def sample(self) -> None:
        for pid in [self.root, *_descendants(self.root)]:
            kb = _peak_rss_kb(pid)
            if kb:
                self.peaks_kb[pid] = max(kb, self.peaks_kb.get(pid, 0))


def _descendants(pid: int) -> list[int]:
    try:
        import psutil  # a dependency of locust

        return [child.pid for child in psutil.Process(pid).children(recursive=True)]
    except Exception:
        return []


def _peak_rss_kb(pid: int) -> int:
    """VmHWM (the high-water mark of resident memory) from /proc, or the
    current RSS through psutil where there is no /proc."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        import psutil

        return int(psutil.Process(pid).memory_info().rss // 1024)
    except Exception:
        return 0


# --- What is measured ---------------------------------------------------------


def endpoints() -> list[Endpoint]:
    """The measured pages and API endpoints of the organisation in the
    database, each with the login it is requested as."""
    from django.db.models import Q

    from cadence.people.models import Employee
    from cadence.reviews.models import (
        OPEN_ASSIGNMENT,
        Cycle,
        ReviewAssignment,
        ReviewerKind,
        Stage,
    )

    running = ~Q(stage__in=(Stage.DRAFT, Stage.LAUNCHING, Stage.CLOSED))
    manager = Employee.objects.get(user__email=MANAGER)
    mine = ReviewAssignment.objects.filter(Q(cycle__in=Cycle.objects.filter(running)))
    assignment = (
        mine.filter(reviewer=manager, kind=ReviewerKind.MANAGER, status__in=OPEN_ASSIGNMENT)
        .order_by("cycle_id", "-status", "pk")
        .first()
        or mine.filter(reviewer=manager).order_by("cycle_id", "pk").first()
    )
    cycle = assignment.cycle if assignment else Cycle.objects.filter(running).order_by("pk").first()
    found = [
        Endpoint("home", MANAGER, "/"),
        Endpoint("directory", ADMIN, "/people/"),
        Endpoint("team goals", MANAGER, "/goals/team/"),
        Endpoint("goal tree", ADMIN, "/goals/tree/"),
    ]
    if assignment:
        found.append(Endpoint("review form", MANAGER, f"/reviews/assignments/{assignment.pk}/"))
    if cycle:
        found.append(Endpoint("cycle dashboard", ADMIN, f"/reviews/cycles/{cycle.pk}/"))
    found += [
        Endpoint("insights health", ADMIN, "/insights/health/"),
        Endpoint("api employees", ADMIN, "/api/v1/employees"),
        Endpoint("api goals", MANAGER, "/api/v1/goals"),
        Endpoint("api assignments", MANAGER, "/api/v1/assignments"),
        Endpoint("api insights health", ADMIN, "/api/v1/insights/health"),
    ]
    return found


def count_queries(points: list[Endpoint]) -> dict[str, dict[str, int]]:
    """Queries and status of one request to each endpoint (the second of two:
    the first warms per-process caches), in this process through the test
    client, signed in as the endpoint's login."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cadence.core.models import User

    clients: dict[str, Client] = {}
    counted: dict[str, dict[str, int]] = {}
    for point in points:
        if point.login not in clients:
            clients[point.login] = Client(HTTP_HOST="localhost")
            clients[point.login].force_login(User.objects.get(email=point.login))
        client = clients[point.login]
        client.get(point.path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(point.path)
        counted[point.name] = {"queries": len(captured), "status": response.status_code}
    return counted


def write_plan(points: list[Endpoint], think: tuple[float, float], path: Path) -> None:
    """The plan benchmarks/locustfile.py reads (CADENCE_BENCH_PLAN)."""
    from cadence.people.demo import DEMO_PASSWORD

    plan = {
        "password": DEMO_PASSWORD,
        "think_seconds": list(think),
        "endpoints": [asdict(p) for p in points],
    }
    path.write_text(json.dumps(plan, indent=2) + "\n")


# --- The server, locust and the worker ----------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_environment(directory: Path) -> dict[str, str]:
    """Production settings on plain HTTP: DEBUG off, a throwaway key,
    cookies that are not HTTPS-only. The database is the benchmark's."""
    env = dict(os.environ)
    static = directory / "static"
    static.mkdir(exist_ok=True)
    env.update(
        CADENCE_DEBUG="0",
        CADENCE_SECRET_KEY=secrets.token_urlsafe(50),
        CADENCE_SECURE_COOKIES="0",
        CADENCE_ALLOWED_HOSTS="127.0.0.1,localhost",
        CADENCE_VAR_DIR=str(directory),
        CADENCE_STATIC_ROOT=str(static),
        DJANGO_SETTINGS_MODULE="cadence.settings",
    )
    return env


def _stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def serving(
    directory: Path, options: LoadOptions, log: IO[str]
) -> Iterator[tuple[str, subprocess.Popen[Any]]]:
    """`cadence serve` on a free port until /readyz answers; stopped after."""
    port = _free_port()
    command = [sys.executable, "-m", "cadence.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--threads", str(options.threads)]
    if options.web_workers:
        command += ["--workers", str(options.web_workers)]
    process = subprocess.Popen(
        command, env=server_environment(directory), stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # collectstatic compresses first
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"cadence serve exited ({process.returncode}); see {log.name}")
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"cadence serve was not ready in 300 s; see {log.name}")
            time.sleep(0.25)
        yield base, process
    finally:
        _stop(process)


def _read_stats(prefix: Path, names: list[str]) -> dict[str, dict[str, Any]]:
    """Per-endpoint numbers from locust's <prefix>_stats.csv."""
    stats: dict[str, dict[str, Any]] = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] not in names:
                continue
            stats[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "p99_ms": _number(row["99%"]),
                "max_ms": round(float(row["Max Response Time"] or 0)),
            }
    return stats


def _number(text: str) -> float | None:
    return None if text in ("", "N/A") else float(text)


def run_locust(
    base: str,
    plan: Path,
    users: int,
    seconds: int,
    directory: Path,
    names: list[str],
    label: str = "",
) -> dict[str, Any]:
    """locust headless at `users` users, measured for `seconds` after every
    user has signed in; the stats."""
    label = label or f"{users}u"
    prefix = directory / f"locust-{label}"
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"]
    command += ["--host", base, "-u", str(users), "-r", str(users)]
    command += ["-t", f"{seconds + 600}s", "--stop-timeout", "60", "--csv", str(prefix)]
    command += ["--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    env = dict(os.environ, CADENCE_BENCH_PLAN=str(plan), CADENCE_BENCH_SECONDS=str(seconds))
    started = time.perf_counter()
    with open(directory / f"locust-{label}.log", "w") as log:
        done = subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"locust failed ({done.returncode}); see {log.name}")
    stats = _read_stats(prefix, names)
    total = sum(s["requests"] for s in stats.values())
    return {
        "users": users,
        "seconds": seconds,
        "wall_seconds": round(time.perf_counter() - started, 1),
        "requests_per_second": round(total / seconds, 1),
        "endpoints": stats,
    }


def _launch_for_worker() -> Any:
    """A cycle over the whole organisation, launched: its task waits in the
    queue for the worker."""
    from cadence.core.models import User
    from cadence.reviews.models import Cycle
    from cadence.reviews.services_cycles import create_cycle, launch_cycle

    admin = User.objects.get(email=ADMIN)
    first = Cycle.objects.select_related("template").order_by("pk").first()
    if first is None:
        raise RuntimeError("The demo organisation has no review cycle to copy a template from.")
    cycle = create_cycle(
        actor=admin,
        # Named for the run: a re-run with --reuse finds the last one's cycle.
        name=f"Load benchmark cycle (worker, {dt.datetime.now():%Y-%m-%d %H:%M:%S})",
        template=first.template,
        include_upward=False,
        phases=[
            {"kind": kind, "due_on": dt.date(2031, 1, day)}
            for day, kind in enumerate(
                ("self_review", "peer_nomination", "peer_review", "manager_review"), start=10
            )
        ],
    )
    launch_cycle(actor=admin, cycle=cycle)
    return cycle


def measure_worker(directory: Path) -> dict[str, Any]:
    """`cadence worker --batch` running a whole-organisation cycle launch
    (and whatever else waits in the queue): its time and peak memory."""
    from django.db import connections
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from cadence.reviews.models import CycleParticipant

    cycle = _launch_for_worker()
    since = timezone.now()
    connections.close_all()
    command = [sys.executable, "-m", "cadence.cli", "worker", "--batch", "--no-startup-delay"]
    command += ["--no-reload", "--verbosity", "0"]
    started = time.perf_counter()
    with open(directory / "worker.log", "w") as log:
        process = subprocess.Popen(
            command, env=server_environment(directory), stdout=log, stderr=subprocess.STDOUT
        )
        sampler = _Sampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"cadence worker failed ({process.returncode}); see {log.name}")
    cycle.refresh_from_db()
    peak_kb = max(usage.ru_maxrss, *sampler.peaks_kb.values(), 0)
    people = CycleParticipant.objects.filter(cycle=cycle).count()
    ran = DBTaskResult.objects.filter(started_at__gte=since, finished_at__isnull=False)
    return {
        "task": f"cycle launch for {people:,} people",
        "stage": cycle.stage,
        "seconds": round(seconds, 2),  # the worker process, start to exit
        "tasks": [  # what it ran: the launch, and anything else that was queued
            {
                "task": t.task_path.rsplit(".", 1)[-1],
                "status": t.status,
                "seconds": round((t.finished_at - t.started_at).total_seconds(), 2),
            }
            for t in ran.order_by("started_at")
            if t.started_at and t.finished_at
        ],
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }


# --- The scenario ---------------------------------------------------------------


def load_pages(run: Run) -> int:
    """The scenario (see the module docstring). Returns the requests made."""
    from django.db import connections

    options = run.load
    points = endpoints()
    counted = count_queries(points)
    names = [p.name for p in points]
    load: dict[str, Any] = {
        "endpoints": [asdict(p) for p in points],
        "queries": {name: c["queries"] for name, c in counted.items()},
        "query_status": {name: c["status"] for name, c in counted.items()},
        "think_seconds": f"{options.think[0]:g}–{options.think[1]:g}",
        "levels": [],
    }
    run.notes["load"] = load
    connections.close_all()  # the server gets the database to itself
    directory = Path(tempfile.mkdtemp(prefix="cadence-load-"))
    load["logs"] = str(directory)
    plan = directory / "plan.json"
    write_plan(points, options.think, plan)
    with open(directory / "server.log", "w") as log, serving(directory, options, log) as served:
        base, process = served
        sampler = _Sampler(process.pid)
        sampler.start()
        try:
            if options.warmup_seconds:
                warm = min(max(options.users), 5)
                run_locust(base, plan, warm, options.warmup_seconds, directory, names, "warmup")
            for users in options.users:
                level = run_locust(base, plan, users, options.seconds, directory, names)
                load["levels"].append(level)
                print(f"load.pages: {users} users done ({level['requests_per_second']} req/s)")
        finally:
            sampler.stop()
        workers = len(sampler.peaks_kb) - 1
    shutil.rmtree(directory / "static", ignore_errors=True)  # keep the logs, not the copies
    load["server"] = {
        "workers": workers,
        "threads": options.threads,
        "peak_rss_mb": round(sum(sampler.peaks_kb.values()) / 1024, 1),
        "largest_rss_mb": round(max(sampler.peaks_kb.values(), default=0) / 1024, 1),
    }
    if options.worker:
        load["worker"] = measure_worker(directory)
    return sum(s["requests"] for level in load["levels"] for s in level["endpoints"].values())


def parse_users(text: str) -> tuple[int, ...]:
    """'1,20' → (1, 20)."""
    users = tuple(int(part) for part in text.split(",") if part.strip())
    if not users or min(users) < 1:
        raise ValueError("user levels are positive whole numbers, e.g. 1,20")
    return users


def parse_think(text: str) -> tuple[float, float]:
    """'0.5-1.5' → (0.5, 1.5); '0' → no think time."""
    low, _, high = text.partition("-")
    pair = (float(low), float(high or low))
    if pair[0] < 0 or pair[1] < pair[0]:
        raise ValueError("think time is LOW-HIGH seconds, e.g. 0.5-1.5")
    return pair


__all__ = [
    "Endpoint",
    "LoadOptions",
    "count_queries",
    "endpoints",
    "load_pages",
    "parse_think",
    "parse_users",
    "write_plan",
]

"""The benchmark harness's plumbing (not its numbers: nothing here is timed).

The report's table and JSON writers on made-up results, the option parsers,
and the load scenario's endpoint list on a small demo organisation: every
endpoint answers 200 through the test client as its login and its queries
are counted. The whole scenario (a real server and locust) runs only with
CADENCE_BENCH_SMOKE=1, as `python -m benchmarks` on 40 people."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks.load import (
    ADMIN,
    MANAGER,
    count_queries,
    endpoints,
    parse_think,
    parse_users,
    write_plan,
)

from benchmarks import report

LOAD = {
    "endpoints": [
        {"name": "home", "login": MANAGER, "path": "/"},
        {"name": "api goals", "login": MANAGER, "path": "/api/v1/goals"},
    ],
    "queries": {"home": 21, "api goals": 7},
    "think_seconds": "0.5–1.5",
    "levels": [
        {
            "users": 1,
            "seconds": 40.2,
            "requests_per_second": 1.1,
            "endpoints": {
                "home": {"requests": 20, "failures": 0, "median_ms": 30.0, "p95_ms": 41.0},
                "api goals": {"requests": 21, "failures": 0, "median_ms": 12.0, "p95_ms": 15.0},
            },
        },
        {
            "users": 20,
            "seconds": 40.4,
            "requests_per_second": 14.3,
            "endpoints": {
                "home": {"requests": 300, "failures": 2, "median_ms": 90.0, "p95_ms": 170.0},
                "api goals": {"requests": 290, "failures": 0, "median_ms": 20.0, "p95_ms": 60.0},
            },
        },
    ],
    "server": {"workers": 5, "threads": 4, "peak_rss_mb": 612.3, "largest_rss_mb": 131.0},
    "worker": {
        "task": "cycle launch for 40 people",
        "seconds": 1.2,
        "peak_rss_mb": 140.0,
        "tasks": [{"task": "run_cycle_launch", "status": "SUCCESSFUL", "seconds": 0.4}],
    },
}
SUMMARY = {
    "machine": {
        "cpus": 2,
        "cpu_model": "Test CPU",
        "ram_gb": 4.0,
        "os": "Linux",
        "python": "3.11.7",
        "database": "sqlite 3.40.1",
    },
    "employees": 40,
    "seed": 1,
    "notes": {"load": LOAD},
    "results": [
        {
            "scenario": "demo.generate",
            "size": 40,
            "seconds": 1.5,
            "rows": 3000,
            "rows_per_second": 2000.0,
        },
    ],
}


def test_the_table_shows_the_machine_scenarios_and_load() -> None:
    text = report.table(SUMMARY)
    assert "2 CPUs (Test CPU), 4.0 GB RAM" in text
    assert "sqlite 3.40.1" in text
    assert "demo.generate" in text
    home = next(line for line in text.splitlines() if line.startswith("home"))
    assert " ".join(home.split()) == "home 21 | 20 30 41 0 | 300 90 170 2 !"
    api = next(line for line in text.splitlines() if line.startswith("api goals"))
    assert not api.endswith("!")  # 60 ms is under the budget
    assert "20 users: 14.3 requests/s" in text
    assert "server peak memory: 612 MB (master + 5 workers" in text
    assert "worker peak memory: 140 MB (cycle launch for 40 people, 1.2 s)" in text
    assert "worker ran run_cycle_launch (SUCCESSFUL) in 0.4 s" in text


def test_the_json_holds_the_same_numbers(tmp_path: Path) -> None:
    path = tmp_path / "bench.json"
    report.write_json(SUMMARY, path)
    written = json.loads(path.read_text())
    assert written["notes"]["load"]["levels"][1]["endpoints"]["home"]["p95_ms"] == 170.0
    assert written["machine"]["cpus"] == 2


def test_the_machine_is_described() -> None:
    info = report.machine("sqlite 3")
    assert info["cpus"] and info["python"] and info["database"] == "sqlite 3"


def test_options_parse() -> None:
    assert parse_users("1, 20") == (1, 20)
    assert parse_think("0.5-1.5") == (0.5, 1.5)
    assert parse_think("0") == (0.0, 0.0)
    with pytest.raises(ValueError):
        parse_users("0")
    with pytest.raises(ValueError):
        parse_think("2-1")


@pytest.mark.django_db
def test_every_measured_endpoint_answers_as_its_login(tmp_path: Path) -> None:
    from cadence.people.demo import generate_demo_organisation

    generate_demo_organisation(employees=40, seed=2)
    points = endpoints()
    names = {p.name for p in points}
    assert names >= {
        "home",
        "directory",
        "team goals",
        "goal tree",
        "review form",
        "cycle dashboard",
        "insights health",
        "api employees",
        "api goals",
        "api assignments",
        "api insights health",
    }
    assert {p.login for p in points} == {ADMIN, MANAGER}
    counted = count_queries(points)
    for name, numbers in counted.items():
        assert numbers["status"] == 200, name
        assert numbers["queries"] > 0, name
    plan = tmp_path / "plan.json"
    write_plan(points, (0.5, 1.5), plan)
    written = json.loads(plan.read_text())
    assert written["password"] and written["think_seconds"] == [0.5, 1.5]
    assert [e["path"] for e in written["endpoints"]] == [p.path for p in points]


@pytest.mark.skipif(
    not os.environ.get("CADENCE_BENCH_SMOKE"), reason="slow: set CADENCE_BENCH_SMOKE=1"
)
def test_the_load_scenario_runs_end_to_end(tmp_path: Path) -> None:
    """A real server, locust and worker on a 40-person organisation."""
    out = tmp_path / "bench.json"
    env = {k: v for k, v in os.environ.items() if k != "CADENCE_DATABASE_URL"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--employees",
            "40",
            "--only",
            "load.pages",
            "--load-users",
            "1,2",
            "--load-seconds",
            "4",
            "--think",
            "0.1-0.2",
            "--json",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stdout + done.stderr
    load = json.loads(out.read_text())["notes"]["load"]
    top = load["levels"][-1]["endpoints"]
    assert set(top) == {e["name"] for e in load["endpoints"]}
    assert all(s["requests"] > 0 and s["failures"] == 0 for s in top.values())
    assert load["server"]["peak_rss_mb"] > 0 and load["worker"]["peak_rss_mb"] > 0
    assert "run_cycle_launch" in [t["task"] for t in load["worker"]["tasks"]]


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CADENCE_DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=Path(__file__).parents[2],
    )


def test_reuse_measures_an_existing_organisation_only(tmp_path: Path) -> None:
    no_database = _bench("--reuse", "--only", "load.pages")
    assert no_database.returncode == 2 and "--reuse needs --database-url" in no_database.stderr
    empty = _bench("--reuse", "--database-url", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert empty.returncode != 0 and "holds no organisation to measure" in empty.stderr

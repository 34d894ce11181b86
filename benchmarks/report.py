"""The benchmark report: the machine it ran on, the printed table and the
JSON file. Pure formatting over plain data (no Django), so it is cheap to
test: `machine()` reads /proc when there is one, `table()` returns the text
that `python -m benchmarks` prints, `write_json()` writes the same numbers.

The load part (`run.notes["load"]`, see benchmarks/load.py) has this shape:

    {"levels": [{"users": 20, "seconds": 40.1, "requests_per_second": 14.2,
                 "endpoints": {"home": {"requests": 60, "median_ms": 41,
                                        "p95_ms": 90, "failures": 0}, ...}}],
     "queries": {"home": 23, ...},
     "endpoints": [{"name": "home", "login": "...", "path": "/"}, ...],
     "server": {"workers": 4, "threads": 4, "peak_rss_mb": ..., ...},
     "worker": {"task": "...", "seconds": ..., "peak_rss_mb": ...}}
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

BUDGET_MS = 150  # DESIGN §5 / issue 8: p95 at 20 concurrent users


def _proc_value(path: str, key: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                name, _, value = line.partition(":")
                if name.strip() == key:
                    return value.strip()
    except OSError:
        return None
    return None


def machine(database: str = "") -> dict[str, Any]:
    """CPU count and model, RAM, OS, Python and the database."""
    memory = _proc_value("/proc/meminfo", "MemTotal")  # "24570112 kB"
    ram_gb = round(int(memory.split()[0]) / 1024 / 1024, 1) if memory else None
    return {
        "cpus": os.cpu_count(),
        "cpu_model": _proc_value("/proc/cpuinfo", "model name") or platform.processor() or "?",
        "ram_gb": ram_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "database": database,
    }


def machine_line(info: Mapping[str, Any]) -> str:
    ram = f"{info['ram_gb']} GB RAM" if info.get("ram_gb") else "RAM unknown"
    return (
        f"{info['cpus']} CPUs ({info['cpu_model']}), {ram}, {info['os']}, "
        f"Python {info['python']}, {info['database']}"
    )


def _rule(header: str) -> str:
    return "-" * len(header)


def scenario_table(results: Iterable[Mapping[str, Any]]) -> list[str]:
    """One line per scenario: size, seconds, rows per second."""
    header = f"{'scenario':<26} {'size':>8} {'seconds':>9} {'rows/s':>10}"
    lines = [header, _rule(header)]
    for r in results:
        lines.append(
            f"{r['scenario']:<26} {r['size']:>8} {r['seconds']:>9.2f} "
            f"{r['rows_per_second']:>10,.0f}"
        )
    return lines


def _cell(stats: Mapping[str, Any] | None, key: str) -> str:
    if not stats or stats.get(key) is None:
        return "-"
    return f"{stats[key]:.0f}"


def load_table(load: Mapping[str, Any], budget_ms: int = BUDGET_MS) -> list[str]:
    """Per endpoint: queries per request, then requests, median, p95 and
    failures at each user level; `!` marks a p95 over the budget at the
    highest level."""
    levels: Sequence[Mapping[str, Any]] = load.get("levels", [])
    queries: Mapping[str, Any] = load.get("queries", {})
    names = [e["name"] for e in load.get("endpoints", [])] or list(queries)
    width = max([len(n) for n in names] + [len("endpoint")])
    header = f"{'endpoint':<{width}} {'queries':>7}"
    for level in levels:
        u = level["users"]
        header += f" | {f'{u}u req':>7} {'median':>6} {'p95':>6} {'fail':>4}"
    lines = [header, _rule(header)]
    top = levels[-1]["users"] if levels else None
    for name in names:
        line = f"{name:<{width}} {queries.get(name, '-')!s:>7}"
        mark = ""
        for level in levels:
            stats = level["endpoints"].get(name)
            line += (
                f" | {_cell(stats, 'requests'):>7} {_cell(stats, 'median_ms'):>6}"
                f" {_cell(stats, 'p95_ms'):>6} {_cell(stats, 'failures'):>4}"
            )
            p95 = (stats or {}).get("p95_ms")
            if level["users"] == top and p95 is not None and p95 >= budget_ms:
                mark = "  !"
        lines.append(line + mark)
    for level in levels:
        lines.append(
            f"{level['users']} users: {level.get('requests_per_second', 0):.1f} requests/s over "
            f"{level.get('seconds', 0):.0f} s (think time {load.get('think_seconds', '?')} s)"
        )
    lines.append(f"times in ms; ! = p95 at {top} users at or over the {budget_ms} ms budget")
    return lines


def memory_lines(load: Mapping[str, Any]) -> list[str]:
    lines = []
    server = load.get("server")
    if server:
        lines.append(
            f"server peak memory: {server['peak_rss_mb']:.0f} MB "
            f"(master + {server['workers']} workers × {server['threads']} threads; "
            f"largest process {server['largest_rss_mb']:.0f} MB)"
        )
    worker = load.get("worker")
    if worker:
        lines.append(
            f"worker peak memory: {worker['peak_rss_mb']:.0f} MB "
            f"({worker['task']}, {worker['seconds']:.1f} s)"
        )
        for ran in worker.get("tasks", []):
            lines.append(f"  worker ran {ran['task']} ({ran['status']}) in {ran['seconds']:.1f} s")
    return lines


def table(report: Mapping[str, Any]) -> str:
    """The whole printed report."""
    lines = [f"Machine: {machine_line(report['machine'])}"]
    lines.append(f"Employees: {report['employees']:,} (seed {report['seed']})")
    lines.append("")
    lines += scenario_table(report["results"])
    load = report.get("notes", {}).get("load")
    if load:
        lines.append("")
        lines += load_table(load)
        lines += memory_lines(load)
    return "\n".join(lines)


def write_json(report: Mapping[str, Any], path: Path) -> None:
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")

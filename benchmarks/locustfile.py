"""Locust users for the `load.pages` benchmark scenario (benchmarks/load.py
starts `cadence serve` and runs this headless; it does not import Django).

The plan is a JSON file named by CADENCE_BENCH_PLAN:

    {"password": "...", "think_seconds": [0.5, 1.5],
     "endpoints": [{"name": "home", "login": "manager@example.com", "path": "/"}, ...]}

Each simulated user signs in through /accounts/login/ once per login the
plan uses (one cookie session each), then requests the endpoints in turn
(starting at a random one), waiting the think time between requests. A
response that is not 200, or that lands on the sign-in page, is a failure.
Statistics are reset once every user has signed in, so the sign-ins (a
deliberately slow password hash) are not in the numbers, and the run stops
CADENCE_BENCH_SECONDS (default 40) later: the measured window is exact
(give locust's own -t as a generous upper bound).

By hand, against a running server with the demo organisation:

    CADENCE_BENCH_PLAN=plan.json CADENCE_BENCH_SECONDS=40 locust \\
        -f benchmarks/locustfile.py --headless -u 20 -r 20 -t 10m --host http://127.0.0.1:8000
"""

from __future__ import annotations

import json
import os
import random
import re
from typing import Any

import gevent
from locust import HttpUser, between, events, task
from locust.clients import HttpSession

PLAN: dict[str, Any] = {}
_plan_path = os.environ.get("CADENCE_BENCH_PLAN")
if _plan_path:
    with open(_plan_path, encoding="utf-8") as _handle:
        PLAN = json.load(_handle)
ENDPOINTS: list[dict[str, str]] = PLAN.get("endpoints", [])
LOGINS = sorted({e["login"] for e in ENDPOINTS})
THINK = PLAN.get("think_seconds", [0.5, 1.5])
MEASURE_SECONDS = float(os.environ.get("CADENCE_BENCH_SECONDS", "40"))
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_signed_in = 0


def _sign_in(session: HttpSession, email: str) -> None:
    page = session.get("/accounts/login/", name="sign-in form")
    found = CSRF_FIELD.search(page.text)
    token = found.group(1) if found else session.cookies.get("csrftoken", "")
    with session.post(
        "/accounts/login/",
        data={"username": email, "password": PLAN["password"], "csrfmiddlewaretoken": token},
        headers={"Referer": f"{session.base_url}/accounts/login/"},
        name="sign-in",
        catch_response=True,
    ) as response:
        if "/accounts/login/" in response.url:
            response.failure(f"{email} could not sign in")


class SignedInUser(HttpUser):
    wait_time = between(float(THINK[0]), float(THINK[1]))

    def on_start(self) -> None:
        global _signed_in
        self.sessions: dict[str, HttpSession] = {}
        for email in LOGINS:
            session = HttpSession(
                base_url=self.host, request_event=self.environment.events.request, user=self
            )
            _sign_in(session, email)
            self.sessions[email] = session
        self.turn = random.randrange(len(ENDPOINTS)) if ENDPOINTS else 0
        _signed_in += 1
        options = self.environment.parsed_options
        wanted = getattr(options, "num_users", None) or 1
        runner = self.environment.runner
        if _signed_in == wanted and runner is not None:
            runner.stats.reset_all()  # measure from here: everyone is signed in
            gevent.spawn_later(MEASURE_SECONDS, runner.quit)

    @task
    def next_endpoint(self) -> None:
        if not ENDPOINTS:
            return
        endpoint = ENDPOINTS[self.turn % len(ENDPOINTS)]
        self.turn += 1
        session = self.sessions[endpoint["login"]]
        with session.get(endpoint["path"], name=endpoint["name"], catch_response=True) as response:
            if response.status_code == 0:  # no answer: say why (reset, refused, timeout)
                response.failure(f"no response: {response.error!r}"[:200])
            elif response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/accounts/login/" in response.url:
                response.failure("signed out")


@events.test_start.add_listener
def _check_plan(environment: Any, **_: Any) -> None:
    if not ENDPOINTS:
        raise SystemExit("CADENCE_BENCH_PLAN names no plan with endpoints.")

"""Firing many real HTTP requests at the live test server at the same
moment, and a view of how many the server handled at once.

The live server (pytest-django's `live_server`, Django's threaded WSGI
server) handles each connection in its own thread. `serving` caps how many
run at once — like a production server's fixed pool of workers, and so
that 200 clients never need 200 database connections (PostgreSQL allows
100 by default) — and records the most that ran at the same time, so a
test can show the requests really overlapped."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# Timeouts guard against a hung test, they are not assertions on speed.
CLIENT_TIMEOUT_SECONDS = 180
# Django's test server listens with a queue of 10 connections; 200 at once
# overflow it and the kernel resets some. gunicorn (`cadence serve`) listens
# with 2048, so the live server is given the same while a test fires.
LISTEN_BACKLOG = 2048


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    token: str
    body: Any = None


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any  # the decoded JSON, or the raw text when it is not JSON

    def message(self) -> str:
        """The error messages of an API error body, joined."""
        if not isinstance(self.body, dict):
            return str(self.body)
        parts = [self.body.get("detail", "")]
        parts += [e.get("message", "") for e in self.body.get("errors", [])]
        return " ".join(p for p in parts if p)


class ServerWatch:
    """How many requests the live server was handling at once, at most."""

    def __init__(self, workers: int) -> None:
        self.slots = threading.BoundedSemaphore(workers)
        self._lock = threading.Condition()
        self.in_flight = 0
        self.most_at_once = 0
        self.handled = 0

    def wrap(self, process: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
        def bounded(request: Any, client_address: Any) -> None:
            # The whole of Django's per-connection work happens inside:
            # the request, the response and closing the thread's database
            # connections (ThreadedWSGIServer.close_request).
            with self.slots:
                with self._lock:
                    self.in_flight += 1
                    self.most_at_once = max(self.most_at_once, self.in_flight)
                try:
                    process(request, client_address)
                finally:
                    with self._lock:
                        self.in_flight -= 1
                        self.handled += 1
                        self._lock.notify_all()

        return bounded

    def settled(self, expected: int) -> int:
        """Wait until `expected` requests are completely done on the server
        side (a client has its reply a moment before the server thread has
        closed its connection); the number handled."""
        with self._lock:
            self._lock.wait_for(
                lambda: self.handled >= expected and self.in_flight == 0,
                timeout=CLIENT_TIMEOUT_SECONDS,
            )
            return self.handled


@contextmanager
def serving(live_server: Any, *, workers: int) -> Iterator[ServerWatch]:
    """The live server, at most `workers` requests at once, watched."""
    httpd = live_server.thread.httpd
    watch = ServerWatch(workers)
    original = httpd.process_request_thread
    # ThreadingMixIn starts each connection's thread on
    # self.process_request_thread, so an instance attribute takes effect.
    httpd.process_request_thread = watch.wrap(original)
    httpd.socket.listen(LISTEN_BACKLOG)  # listen() again only resizes the queue
    try:
        yield watch
    finally:
        del httpd.process_request_thread
        httpd.socket.listen(httpd.request_queue_size)


def _send(base: str, call: Call) -> Reply:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(
        parts.hostname or "127.0.0.1", parts.port, timeout=CLIENT_TIMEOUT_SECONDS
    )
    headers = {"Authorization": f"Bearer {call.token}", "Accept": "application/json"}
    payload = None
    if call.body is not None:
        payload = json.dumps(call.body)
        headers["Content-Type"] = "application/json"
    try:
        conn.request(call.method, call.path, body=payload, headers=headers)
        response = conn.getresponse()
        raw = response.read().decode()
    finally:
        conn.close()
    try:
        body: Any = json.loads(raw)
    except ValueError:
        body = raw
    return Reply(response.status, body)


def fire_together(base: str, calls: Sequence[Call]) -> list[Reply]:
    """Send every call from its own thread, all released at the same moment
    by a barrier; the replies in the order of `calls`. A client-side failure
    (refused connection, timeout) is raised, never hidden."""
    barrier = threading.Barrier(len(calls))
    replies: list[Reply | None] = [None] * len(calls)
    failures: list[BaseException] = []

    def run(i: int, call: Call) -> None:
        try:
            barrier.wait(timeout=CLIENT_TIMEOUT_SECONDS)
            replies[i] = _send(base, call)
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return [r for r in replies if r is not None]

"""One writer process for test_sqlite_writers.py: `threads` threads each
record `writes` check-ins on one key result through the real service, all
starting together once the parent sends "go". Run against a SQLite file by
CADENCE_DATABASE_URL, with the project's own SQLite settings (WAL, busy
timeout, IMMEDIATE transactions) unless --transaction-mode overrides the
last — only to show that the test catches "database is locked" when writes
start as DEFERRED transactions.

Prints "ready", waits for a line on stdin, then prints one JSON line:
{"written": n, "errors": ["...", ...]}."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from decimal import Decimal


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--key-result", type=int, required=True)
    parser.add_argument("--user", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--writes", type=int, required=True)
    parser.add_argument("--tag", required=True)
    parser.add_argument("--transaction-mode", default=None)
    args = parser.parse_args()

    import django
    from django.conf import settings

    if args.transaction_mode:
        settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] = args.transaction_mode
    django.setup()

    from django.db import OperationalError, connection

    from cadence.core.models import User
    from cadence.goals import services
    from cadence.goals.models import KeyResult

    user = User.objects.get(pk=args.user)
    connection.close()
    barrier = threading.Barrier(args.threads)
    lock = threading.Lock()
    written = 0
    errors: list[str] = []

    def write(thread: int) -> None:
        nonlocal written
        try:
            barrier.wait(timeout=120)
            for i in range(args.writes):
                label = f"{args.tag}-{thread}-{i}"
                try:
                    # A page load first (a read), then the write, as a user would.
                    kr = KeyResult.objects.get(pk=args.key_result)
                    services.check_in(
                        actor=user,
                        key_result=kr,
                        confidence="on_track",
                        value=Decimal(i),
                        comment=label,
                    )
                except OperationalError as error:
                    with lock:
                        errors.append(f"{label}: {error}")
                else:
                    with lock:
                        written += 1
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=write, args=(t,)) for t in range(args.threads)]
    print("ready", flush=True)
    sys.stdin.readline()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"written": written, "errors": errors}), flush=True)


if __name__ == "__main__":
    main()

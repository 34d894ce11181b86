"""The `cadence` command: Django's management commands plus Cadence's own.

cadence migrate | serve | worker | demo | createadmin | import-employees | send-reminders
cadence token create EMAIL | cadence token revoke PREFIX
cadence <any Django management command>
"""

from __future__ import annotations

import os
import sys

# Project commands whose CLI spelling differs from the management command name.
ALIASES = {
    "import-employees": "import_employees",
    "export-employees": "export_employees",
    "worker": "db_worker",
    "send-reminders": "send_reminders",
}


def _serve(argv: list[str]) -> None:
    """A multi-worker gunicorn server for cadence.wsgi."""
    import argparse

    parser = argparse.ArgumentParser(prog="cadence serve", description=_serve.__doc__)
    parser.add_argument("--host", default=os.environ.get("CADENCE_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("CADENCE_PORT", "8000")))
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("CADENCE_WEB_WORKERS", "0")) or None,
        help="worker processes (default: 2 × cores + 1)",
    )
    parser.add_argument("--threads", type=int, default=int(os.environ.get("CADENCE_THREADS", "4")))
    parser.add_argument("--no-collectstatic", action="store_true")
    args = parser.parse_args(argv)

    import django
    from django.core.management import call_command

    django.setup()
    if not args.no_collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0)
    workers = args.workers or (2 * (os.cpu_count() or 1) + 1)
    gunicorn_args = [
        "gunicorn",
        "cadence.wsgi:application",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(workers),
        "--threads",
        str(args.threads),
        "--worker-class",
        "gthread",
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        os.environ.get("CADENCE_FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]
    print(f"Cadence is serving on http://{args.host}:{args.port}/ ({workers} workers)", flush=True)
    os.execvp(sys.executable, [sys.executable, "-m", *gunicorn_args])


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "serve":
        _serve(args[1:])
        return
    if args:
        args[0] = ALIASES.get(args[0], args[0])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cadence", *args])


if __name__ == "__main__":
    main()

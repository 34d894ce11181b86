"""The `cadence` command: Django's management commands plus Cadence's own.

cadence migrate | serve | worker | demo | createadmin | import-employees | send-reminders
cadence token create EMAIL | cadence token revoke PREFIX
cadence <any Django management command>
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# Project commands whose CLI spelling differs from the management command name.
ALIASES = {
    "import-employees": "import_employees",
    "export-employees": "export_employees",
    "worker": "db_worker",
    "send-reminders": "send_reminders",
}

# Written into STATIC_ROOT by `cadence serve` after collectstatic: the hash of
# the source files it collected, so a restart with unchanged files skips the
# step (hashing and compressing every file takes tens of seconds).
STATIC_STAMP_NAME = "cadence-sources.sha256"

# Request line, status, bytes, duration in ms, the client as the proxy saw it
# and the request id that audit rows carry.
ACCESS_LOG_FORMAT = (
    '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s %(M)sms '
    '"%(f)s" "%(a)s" %({x-request-id}o)s'
)


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    workers: int
    threads: int
    timeout: int
    graceful_timeout: int
    forwarded_allow_ips: str
    collectstatic: bool


def usable_cpus() -> int:
    """The CPUs this process may run on (a container's or taskset's share,
    not the host's count where the platform says)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def default_web_workers(cpus: int) -> int:
    """Gunicorn's rule of thumb: two processes a core, plus one."""
    return 2 * max(1, cpus) + 1


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def serve_parser(environ: Mapping[str, str], cpus: int) -> argparse.ArgumentParser:
    """`cadence serve`'s options; each defaults to its CADENCE_* variable."""
    parser = argparse.ArgumentParser(
        prog="cadence serve",
        description=(
            "Serve Cadence with gunicorn: several worker processes, each with a few "
            "threads. Collects the static files first when they changed. Other "
            "gunicorn settings can be given in GUNICORN_CMD_ARGS."
        ),
    )
    parser.add_argument("--host", default=environ.get("CADENCE_HOST", "127.0.0.1"))
    parser.add_argument(
        "--port", type=_positive_int, default=int(environ.get("CADENCE_PORT", "8000"))
    )
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=int(environ.get("CADENCE_WEB_WORKERS", "0")) or default_web_workers(cpus),
        help="worker processes (default: CADENCE_WEB_WORKERS, else 2 × cores + 1)",
    )
    parser.add_argument(
        "--threads",
        type=_positive_int,
        # CADENCE_THREADS: the name before issue 8.
        default=int(environ.get("CADENCE_WEB_THREADS") or environ.get("CADENCE_THREADS") or "4"),
        help="threads per worker process (default: CADENCE_WEB_THREADS, else 4)",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_int,
        default=int(environ.get("CADENCE_WEB_TIMEOUT", "60")),
        help="seconds before a stuck worker is restarted (default: CADENCE_WEB_TIMEOUT, else 60)",
    )
    parser.add_argument(
        "--graceful-timeout",
        type=_positive_int,
        default=30,
        help="seconds requests in flight get to finish on stop or restart (default: 30)",
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        default=environ.get("CADENCE_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        help="proxies whose X-Forwarded-* headers are trusted (default: this machine)",
    )
    parser.add_argument(
        "--no-collectstatic",
        dest="collectstatic",
        action="store_false",
        help="do not collect the static files (they were collected at build time)",
    )
    return parser


def parse_serve_options(
    argv: list[str], environ: Mapping[str, str] | None = None, cpus: int | None = None
) -> ServeOptions:
    args = serve_parser(
        os.environ if environ is None else environ, usable_cpus() if cpus is None else cpus
    ).parse_args(argv)
    return ServeOptions(
        host=args.host,
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        timeout=args.timeout,
        graceful_timeout=args.graceful_timeout,
        forwarded_allow_ips=args.forwarded_allow_ips,
        collectstatic=args.collectstatic,
    )


KEEP_ALIVE_SECONDS = 10


def gunicorn_argv(options: ServeOptions) -> list[str]:
    """The gunicorn command line for these options."""
    argv = [
        "gunicorn",
        "cadence.wsgi:application",
        "--bind",
        f"[{options.host}]:{options.port}"
        if ":" in options.host
        else f"{options.host}:{options.port}",
        "--workers",
        str(options.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(options.threads),
        "--timeout",
        str(options.timeout),
        "--graceful-timeout",
        str(options.graceful_timeout),
        # Keep an idle connection open longer than a person (or a proxy)
        # pauses between requests: at gunicorn's default of 2 s a reused
        # connection is often closed just as the next request is sent on it.
        "--keep-alive",
        str(KEEP_ALIVE_SECONDS),
        # Import Django once in the master: the workers share its memory and
        # start at once when one is replaced.
        "--preload",
        "--access-logfile",
        "-",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--forwarded-allow-ips",
        options.forwarded_allow_ips,
        # Cadence does not use gunicorn's control socket (it lives in $HOME).
        "--no-control-socket",
    ]
    if os.path.isdir("/dev/shm"):
        # The workers' heartbeat files: in memory, not on a disk that may stall.
        argv += ["--worker-tmp-dir", "/dev/shm"]
    return argv


def static_sources_fingerprint() -> str:
    """A hash of every file collectstatic would collect (name and content),
    the storage that collects them and STATIC_URL."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    digest = hashlib.sha256()
    digest.update(f"{settings.STORAGES['staticfiles']['BACKEND']}\0{settings.STATIC_URL}".encode())
    files: dict[str, str] = {}
    for finder in finders.get_finders():
        # collectstatic's default ignore patterns.
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            prefix = getattr(storage, "prefix", None) or ""
            files.setdefault(os.path.join(prefix, path), storage.path(path))
    for name in sorted(files):
        with open(files[name], "rb") as source:
            content = hashlib.file_digest(source, "sha256").hexdigest()
        digest.update(f"\0{name}\0{content}".encode())
    return digest.hexdigest()


def collect_static_if_changed() -> bool:
    """Run collectstatic unless the files collected last time are the ones
    there are now (and the manifest is there). Returns whether it ran."""
    from django.conf import settings
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
    from django.core.management import call_command

    stamp = Path(settings.STATIC_ROOT) / STATIC_STAMP_NAME
    fingerprint = static_sources_fingerprint()
    manifest_missing = isinstance(
        staticfiles_storage, ManifestFilesMixin
    ) and not staticfiles_storage.exists(staticfiles_storage.manifest_name)
    if not manifest_missing and stamp.is_file() and stamp.read_text().strip() == fingerprint:
        return False
    print(f"Collecting the static files into {settings.STATIC_ROOT}...", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint + "\n")
    return True


def _serve(argv: list[str]) -> None:
    """A multi-worker gunicorn server for cadence.wsgi."""
    options = parse_serve_options(argv)

    import django

    django.setup()
    if options.collectstatic:
        collect_static_if_changed()
    print(
        f"Cadence is serving on http://{options.host}:{options.port}/ "
        f"({options.workers} workers, {options.threads} threads each)",
        flush=True,
    )
    os.execvp(sys.executable, [sys.executable, "-m", *gunicorn_argv(options)])


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

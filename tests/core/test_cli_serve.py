"""`cadence serve`: the gunicorn command line it builds (without starting a
server) and the collectstatic step it skips when nothing changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import override_settings

from cadence import cli


def value_after(argv: list[str], flag: str) -> str:
    assert argv.count(flag) == 1, f"{flag} given {argv.count(flag)} times"
    return argv[argv.index(flag) + 1]


def test_defaults_are_several_threaded_workers_on_localhost() -> None:
    options = cli.parse_serve_options([], environ={}, cpus=2)
    argv = cli.gunicorn_argv(options)

    assert argv[:2] == ["gunicorn", "cadence.wsgi:application"]
    assert value_after(argv, "--bind") == "127.0.0.1:8000"
    assert value_after(argv, "--workers") == "5"  # 2 × 2 cores + 1
    assert value_after(argv, "--worker-class") == "gthread"
    assert value_after(argv, "--threads") == "4"
    assert value_after(argv, "--timeout") == "60"
    assert value_after(argv, "--graceful-timeout") == "30"
    assert value_after(argv, "--keep-alive") == "10"
    assert value_after(argv, "--access-logfile") == "-"
    assert "%({x-request-id}o)s" in value_after(argv, "--access-logformat")
    assert value_after(argv, "--forwarded-allow-ips") == "127.0.0.1,::1"
    assert "--preload" in argv
    assert options.collectstatic is True


@pytest.mark.parametrize(("cpus", "workers"), [(1, 3), (2, 5), (8, 17)])
def test_default_workers_follow_the_cores(cpus: int, workers: int) -> None:
    assert cli.parse_serve_options([], environ={}, cpus=cpus).workers == workers


def test_environment_sets_the_defaults() -> None:
    environ = {
        "CADENCE_HOST": "0.0.0.0",
        "CADENCE_PORT": "9000",
        "CADENCE_WEB_WORKERS": "7",
        "CADENCE_WEB_THREADS": "8",
        "CADENCE_WEB_TIMEOUT": "120",
        "CADENCE_FORWARDED_ALLOW_IPS": "10.0.0.5",
    }
    argv = cli.gunicorn_argv(cli.parse_serve_options([], environ=environ, cpus=2))
    assert value_after(argv, "--bind") == "0.0.0.0:9000"
    assert value_after(argv, "--workers") == "7"
    assert value_after(argv, "--threads") == "8"
    assert value_after(argv, "--timeout") == "120"
    assert value_after(argv, "--forwarded-allow-ips") == "10.0.0.5"


def test_options_override_the_environment() -> None:
    environ = {"CADENCE_WEB_WORKERS": "7", "CADENCE_PORT": "9000"}
    options = cli.parse_serve_options(
        ["--workers", "3", "--port", "8080", "--host", "::", "--no-collectstatic"],
        environ=environ,
        cpus=2,
    )
    argv = cli.gunicorn_argv(options)
    assert value_after(argv, "--workers") == "3"
    assert value_after(argv, "--bind") == "[::]:8080"  # IPv6 needs the brackets
    assert options.collectstatic is False


def test_the_old_threads_variable_still_counts() -> None:
    assert cli.parse_serve_options([], environ={"CADENCE_THREADS": "6"}, cpus=2).threads == 6


@pytest.mark.parametrize("bad", [["--workers", "0"], ["--threads", "-1"], ["--port", "x"]])
def test_nonsense_is_refused(bad: list[str]) -> None:
    with pytest.raises(SystemExit):
        cli.parse_serve_options(bad, environ={}, cpus=2)


def test_collectstatic_runs_when_the_files_changed_and_only_then(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "extra.css").write_text("body { color: black; }")
    static_root = tmp_path / "static"
    static_root.mkdir()
    plain = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.conf import settings

    with override_settings(
        STATIC_ROOT=static_root,
        STATICFILES_DIRS=[*settings.STATICFILES_DIRS, sources],
        STORAGES=plain,
    ):
        assert cli.collect_static_if_changed() is True
        assert (static_root / "extra.css").read_text() == "body { color: black; }"
        assert (static_root / cli.STATIC_STAMP_NAME).is_file()

        assert cli.collect_static_if_changed() is False  # nothing changed: skipped

        (sources / "extra.css").write_text("body { color: navy; }")
        # collectstatic copies files newer than their copy; this edit comes later.
        later = (static_root / "extra.css").stat().st_mtime + 10
        os.utime(sources / "extra.css", (later, later))
        assert cli.collect_static_if_changed() is True
        assert (static_root / "extra.css").read_text() == "body { color: navy; }"


def test_a_missing_manifest_means_collecting_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stamp without the manifest (STATIC_ROOT emptied by hand) must not
    leave production without its manifest."""
    manifest_storage = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    calls: list[tuple[object, ...]] = []
    monkeypatch.setattr(
        "django.core.management.call_command", lambda *args, **kwargs: calls.append(args)
    )
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=manifest_storage):
        (tmp_path / cli.STATIC_STAMP_NAME).write_text(cli.static_sources_fingerprint())
        assert cli.collect_static_if_changed() is True
    assert calls == [("collectstatic",)]

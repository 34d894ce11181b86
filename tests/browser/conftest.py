"""Headless Chromium for the browser tests: the Debian package, never a
browser downloaded by `playwright install`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API keeps an event loop running in the test thread, which
# makes Django refuse ORM calls from it; the test itself is synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> Path:
    """The system Chromium, or skip (fail under CADENCE_REQUIRE_BROWSER=1)."""
    if CHROMIUM.exists() or shutil.which("chromium"):
        return CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium") or "")
    message = f"{CHROMIUM} is missing: apt-get install -y chromium"
    if os.environ.get("CADENCE_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": str(chromium_path()),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def http_settings(settings: Any) -> Any:
    """The live server speaks plain HTTP: secure-only cookies would never come back."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    return settings


@pytest.fixture
def artifacts_dir() -> Path:
    path = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
    path.mkdir(parents=True, exist_ok=True)
    return path

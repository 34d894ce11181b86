"""core/prefork.py: what gunicorn's master does before forking workers."""

from __future__ import annotations

import gc

import pytest

from cadence.core import prefork


def test_every_template_compiles() -> None:
    names = prefork.template_names()
    assert "base.html" in names and "insights/health.html" in names
    assert prefork.warm() == len(names)


def test_prepare_for_fork_freezes_what_is_loaded(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="cadence.core.prefork")
    try:
        prefork.prepare_for_fork()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
    assert "objects frozen" in caplog.text

"""Issue 6 in a real browser: the facilitator moves a person on the
performance × potential grid with a reason (through the grid's dialog), and
the people list shows the calibrated rating and the reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cadence.reviews.models import RatingLevel
from cadence.talent.grid import Band, ScaleBands
from cadence.talent.models import CalibrationChange, Potential
from tests.browser.support import sign_in
from tests.conftest import Org
from tests.talent.session_support import calibration_cycle, engineering_session, entry_of

pytestmark = pytest.mark.browser

REASON = "Compared with peers at the same level, the impact matches 'meets'."


def test_move_on_the_grid_with_a_reason_shows_in_the_list(
    live_server: Any, http_settings: Any, org: Org, page: Page, artifacts_dir: Path
) -> None:
    page.set_default_timeout(10_000)
    cycle = calibration_cycle(org)
    session = engineering_session(org, cycle)
    entry = entry_of(session, org.employee)  # proposed 4 over a computed 3
    levels = list(RatingLevel.objects.filter(scale_id=cycle.template.rating_scale_id))
    bands = ScaleBands(levels)
    expected = bands.level_for_move(entry.proposed_level_id, Band.MID)
    assert expected is not None and expected.pk != entry.proposed_level_id

    sign_in(page, live_server.url, "hr.admin@example.com")
    page.get_by_role("link", name="Talent", exact=True).click()
    page.get_by_role("link", name=session.name).click()
    page.locator("#tab-grid").click()
    page.get_by_role("button", name="Move Emma Employee").click()
    dialog = page.locator("#move-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Box").select_option(f"{Band.MID.value}-{Potential.HIGH}")
    dialog.get_by_label("Reason for the change").fill(REASON)
    dialog.get_by_role("button", name="Save move").click()
    expect(page.locator(f"#entry-{entry.pk}-change")).to_contain_text(expected.label)
    page.screenshot(path=str(artifacts_dir / "calibration-grid.png"), full_page=True)

    page.locator("#tab-people").click()
    row = page.locator(f"#person-{entry.pk}")
    expect(row.locator("td.person-calibrated")).to_contain_text(expected.label)
    expect(row).to_contain_text(REASON)
    page.screenshot(path=str(artifacts_dir / "calibration-people.png"), full_page=True)

    entry.refresh_from_db()
    assert entry.calibrated_level_id == expected.pk and entry.potential == Potential.HIGH
    change = CalibrationChange.objects.get(entry=entry)
    assert change.reason == REASON and change.to_level_id == expected.pk
    assert change.changed_by == org.hr_admin

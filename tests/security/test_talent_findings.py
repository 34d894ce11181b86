"""Regression tests for the security review of issue 6 (calibration and
succession): each test is a confirmed finding, then fixed.

1. A participating manager who is an HRBP for an unrelated department got
   the per-person self-vs-manager table (self-review scores) of everyone in
   a shared-view session.
2. "²" as the move form's entry id raised a 500.
3. "²" in an import's version column raised a 500.
4. An import file was read into memory before its size was checked.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cadence.core.models import Role
from cadence.people.importing_files import MAX_FILE_BYTES
from tests.conftest import Org
from tests.factories import DepartmentFactory, grant
from tests.talent.insight_support import standard
from tests.talent.session_support import calibration_cycle, engineering_session

pytestmark = pytest.mark.django_db


def hr_client(org: Org) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(org.hr_admin)
    return client


def test_an_hrbp_elsewhere_taking_part_does_not_get_the_per_person_gaps(org: Org) -> None:
    assert org.manager.user is not None
    grant(org.manager.user, Role.HRBP, DepartmentFactory(name="Legal", parent=org.company))
    setup = standard(org, share_whole_view=True)
    client = Client()
    client.force_login(org.manager.user)
    url = reverse("talent:session_preread_export", args=[setup.session.pk])
    assert client.get(url, {"table": "people"}).status_code == 403
    # The facilitator and HR admins still get it.
    assert hr_client(org).get(url, {"table": "people"}).status_code == 200


def test_a_non_ascii_digit_as_the_entry_to_move_is_a_404(org: Org) -> None:
    session = engineering_session(org, calibration_cycle(org))
    response = hr_client(org).post(
        f"/talent/sessions/{session.pk}/move/", {"entry": "²", "box": "2-2", "reason": "x"}
    )
    assert response.status_code == 404


def test_a_non_ascii_digit_as_a_version_is_a_row_error(org: Org) -> None:
    session = engineering_session(org, calibration_cycle(org))
    body = (
        f"employee_number,calibrated,reason,version\n{org.employee.employee_number},3,why,²\n"
    ).encode()
    upload = SimpleUploadedFile("moves.csv", body, content_type="text/csv")
    response = hr_client(org).post(
        f"/talent/sessions/{session.pk}/people/import/", {"file": upload}
    )
    assert response.status_code == 400
    assert "moved by someone else" in response.content.decode()


def test_an_oversized_import_is_refused_before_it_is_read(org: Org) -> None:
    session = engineering_session(org, calibration_cycle(org))
    upload = SimpleUploadedFile("moves.csv", b"x" * (MAX_FILE_BYTES + 1), content_type="text/csv")
    response = hr_client(org).post(
        f"/talent/sessions/{session.pk}/people/import/", {"file": upload}
    )
    assert response.status_code == 400
    assert "larger than" in response.content.decode()

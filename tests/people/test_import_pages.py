"""The import pages: HR admin only (404 for anyone else), upload → map →
preview → apply → result, with the file kept between steps."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cadence.core.models import AuditEntry
from cadence.people.models import Employee
from tests.conftest import Org

CSV = b"Staff ID,First name,Last name,Email,Dept\nN1,Ann,Able,ann@example.com,ENG\n"


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path


def _upload(client: Client, content: bytes = CSV, name: str = "people.csv") -> str:
    resp = client.post("/people/transfer/import/", {"file": SimpleUploadedFile(name, content)})
    assert resp.status_code == 302, resp.content.decode()
    return str(resp["Location"]).split("/")[-3]


@pytest.mark.parametrize("who", ["hrbp", "executive", "auditor", "outsider", "manager"])
def test_non_hr_admin_gets_404_on_every_import_page(client: Client, org: Org, who: str) -> None:
    admin = Client()
    admin.force_login(org.hr_admin)
    token = _upload(admin)
    user = org.manager.user if who == "manager" else getattr(org, who)
    client.force_login(user)
    assert client.get("/people/transfer/import/").status_code == 404
    assert client.post("/people/transfer/import/", {}).status_code == 404
    for step in ("map", "preview"):
        assert client.get(f"/people/transfer/import/{token}/{step}/").status_code == 404
    assert (
        client.post(f"/people/transfer/import/{token}/apply/", {"confirm": "on"}).status_code == 404
    )
    assert client.get("/people/transfer/import/done/").status_code == 404
    assert not Employee.objects.filter(employee_number="N1").exists()


def test_another_hr_admins_upload_is_not_reachable(client: Client, org: Org) -> None:
    from cadence.core.models import Role
    from tests.factories import UserFactory, grant

    admin = Client()
    admin.force_login(org.hr_admin)
    token = _upload(admin)
    other = UserFactory(email="hr2@example.com")
    grant(other, Role.HR_ADMIN)
    client.force_login(other)
    assert client.get(f"/people/transfer/import/{token}/preview/").status_code == 404
    assert client.get("/people/transfer/import/..%2F..%2Fsecret/preview/").status_code == 404


def test_full_import_flow(client: Client, org: Org) -> None:
    client.force_login(org.hr_admin)
    page = client.get("/people/transfer/import/")
    assert page.status_code == 200 and b'type="file"' in page.content
    token = _upload(client)
    mapping_page = client.get(f"/people/transfer/import/{token}/map/")
    html = mapping_page.content.decode()
    assert '<option value="employee_number" selected>' in html  # "Staff ID" suggested
    resp = client.post(
        f"/people/transfer/import/{token}/map/",
        {
            "column_0": "employee_number",
            "column_1": "first_name",
            "column_2": "last_name",
            "column_3": "email",
            "column_4": "department",
        },
    )
    assert resp.status_code == 302 and resp["Location"].endswith("/preview/")
    preview = client.get(resp["Location"]).content.decode()
    assert "Create new employees" in preview
    # Applying needs the confirmation.
    resp = client.post(f"/people/transfer/import/{token}/apply/", {})
    assert resp.status_code == 200 and "Tick the box" in resp.content.decode()
    assert 'aria-describedby="id_confirm_error"' in resp.content.decode()
    assert not Employee.objects.filter(employee_number="N1").exists()
    resp = client.post(f"/people/transfer/import/{token}/apply/", {"confirm": "on"})
    assert resp.status_code == 302
    result = client.get(resp["Location"]).content.decode()
    assert "Employees created" in result
    ann = Employee.objects.get(employee_number="N1")
    assert ann.department == org.engineering
    entry = AuditEntry.objects.get(action="employee.import.create")
    assert entry.actor == org.hr_admin
    # The stash is gone after applying.
    assert client.get(f"/people/transfer/import/{token}/preview/").status_code == 404


def test_mapping_errors_are_tied_to_fields(client: Client, org: Org) -> None:
    client.force_login(org.hr_admin)
    token = _upload(client)
    resp = client.post(
        f"/people/transfer/import/{token}/map/",
        {"column_0": "", "column_1": "first_name", "column_2": "first_name"},
    )
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Map one column to Employee number" in html
    assert 'aria-describedby="id_column_2_error"' in html


def test_preview_lists_bad_rows(client: Client, org: Org) -> None:
    client.force_login(org.hr_admin)
    token = _upload(client, CSV + b"N2,,Bee,bee@example.com,NOPE\n")
    html = client.get(f"/people/transfer/import/{token}/preview/").content.decode()
    assert "2 problems on 1 line" in html
    assert "<td>3</td><td>First name</td>" in html
    assert "<td>3</td><td>Dept</td>" in html
    assert "Apply the import" not in html


def test_upload_errors(client: Client, org: Org) -> None:
    client.force_login(org.hr_admin)
    resp = client.post("/people/transfer/import/", {"file": SimpleUploadedFile("x.pdf", b"%PDF")})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Upload a .csv or .xlsx file." in html and 'aria-describedby="id_file_error' in html
    resp = client.post(
        "/people/transfer/import/", {"file": SimpleUploadedFile("x.csv", b"a,a\n1,2\n")}
    )
    assert "appears more than once" in resp.content.decode()

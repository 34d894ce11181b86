"""The review packet PDF: a real PDF of exactly what `disclose` gives the
viewer. The HTML rendered into the PDF, the text WeasyPrint laid out on its
pages and the raw (and inflated) PDF bytes are searched for peer and upward
writers; answers reach only their audience; who may download it follows
`visible_to` (404 otherwise); a server without Pango answers 503."""

from __future__ import annotations

import re
import sys
import zlib
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cadence.core.pdf import html_to_pdf
from cadence.reviews.models import ReviewResult
from cadence.reviews.packet import render_packet_html
from cadence.reviews.services_results import compute_result
from tests.conftest import Org
from tests.reviews.results_fixtures import Scenario, build, leaks

pytestmark = pytest.mark.django_db

PEER_TEXTS = ["Peer remark z0", "Peer remark y1", "Peer remark x2"]
UPWARD_TEXTS = ["Upward remark z0", "Upward remark y1", "Upward remark x2"]
MANAGER_AUDIENCE = "Manager-audience: promotion case next year"
HR_AUDIENCE = ["HR-audience: flight risk", "Peer HR-audience note"]


def released(scenario: Scenario) -> ReviewResult:
    result = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    result.released_at = timezone.now()
    result.save()
    return result


def url(result: ReviewResult) -> str:
    return f"/reviews/results/{result.pk}/packet.pdf"


def get(client: Client, who: Any, result: ReviewResult) -> Any:
    client.force_login(getattr(who, "user", who))
    return client.get(url(result))


def inflated(pdf: bytes) -> bytes:
    """The raw PDF with every Flate stream it holds decompressed appended,
    so a search also looks inside compressed objects and metadata."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(parts)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", inflated(pdf)))


def laid_out_text(html: str) -> str:
    """The text WeasyPrint puts on the pages of `html` (its own layout,
    since no PDF text extractor is installed)."""
    from weasyprint import HTML

    found: list[str] = []
    for page in HTML(string=html).render().pages:
        for box in page._page_box.descendants():
            text = getattr(box, "text", None)
            if isinstance(text, str):
                found.append(text)
    return " ".join(found)


def test_reviewee_downloads_a_pdf_of_their_released_result(org: Org, client: Client) -> None:
    scenario = build(org, peers=3, upward=3)
    result = released(scenario)
    response = get(client, org.lead, result)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.pdf"')
    assert "no-store" in response["Cache-Control"]
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert page_count(pdf) >= 1
    # The document title (plain in the metadata) is searchable: the raw
    # search below can find a name when one is there.
    assert b"Lee Lead" in inflated(pdf)
    assert leaks(inflated(pdf), scenario.writers()) == []


def test_reviewee_packet_names_no_peer_or_upward_writer(org: Org) -> None:
    scenario = build(org, peers=3, upward=3)
    result = released(scenario)
    made = render_packet_html(result, org.lead.user)
    html = made.html
    assert made.view.role == "reviewee"
    assert leaks(html.encode(), scenario.writers()) == []
    for text in [*PEER_TEXTS, *UPWARD_TEXTS]:
        assert text in html
    assert 'id="packet-anonymous-peer"' in html and 'id="packet-anonymous-upward"' in html
    assert "A peer" in html and "A report" in html
    # Answers reach their audience only: nothing for the manager or HR.
    assert MANAGER_AUDIENCE not in html
    assert all(text not in html for text in HR_AUDIENCE)
    assert "For HR only?" not in html and "For the manager only?" not in html
    # The same holds for what WeasyPrint lays out on the pages.
    text = laid_out_text(html)
    assert "Peer remark x2" in text and "Lee Lead" in text
    assert leaks(text.encode(), scenario.writers()) == []
    assert all(hr not in text for hr in HR_AUDIENCE)


def test_the_packet_shows_ratings_reason_and_acknowledgement(org: Org) -> None:
    scenario = build(org, peers=3, upward=3)
    result = released(scenario)
    result.override_reason = "Carried the migration alone"
    result.acknowledged_at = timezone.now()
    result.acknowledgement_comment = "Thanks, fair."
    result.save()
    html = render_packet_html(result, org.lead.user).html
    for marker in ("packet-final", "packet-computed", "packet-manager-level"):
        assert f'id="{marker}"' in html
    assert "Carried the migration alone" in html
    assert "Thanks, fair." in html and "Acknowledged on" in html
    assert "Ship the platform" in html and "Collaboration" in html


def test_hr_admin_packet_names_writers_and_holds_hr_answers(org: Org) -> None:
    scenario = build(org, peers=3, upward=3)
    result = released(scenario)
    html = render_packet_html(result, org.hr_admin).html
    assert scenario.peers[0].full_name in html
    assert all(text in html for text in HR_AUDIENCE)


def test_manager_packet_has_manager_answers_but_no_hr_answers_or_writers(org: Org) -> None:
    scenario = build(org, peers=3, upward=3)
    result = released(scenario)
    html = render_packet_html(result, org.manager.user).html
    assert MANAGER_AUDIENCE in html
    assert all(text not in html for text in HR_AUDIENCE)
    assert leaks(html.encode(), scenario.writers()) == []


def test_below_the_minimum_the_packet_says_not_enough_answers(org: Org) -> None:
    scenario = build(org, peers=2, upward=2)
    result = released(scenario)
    html = render_packet_html(result, org.lead.user).html
    assert 'id="packet-withheld-peer"' in html and 'id="packet-withheld-upward"' in html
    assert "not enough answers" in html
    for text in [*PEER_TEXTS[:2], *UPWARD_TEXTS[:2]]:
        assert text not in html
    assert leaks(html.encode(), scenario.writers()) == []


@pytest.mark.parametrize("who", ["peer", "other_manager", "salesperson", "outsider"])
def test_people_who_may_not_see_the_result_get_404(org: Org, client: Client, who: str) -> None:
    result = released(build(org, peers=3, upward=3))
    assert get(client, getattr(org, who), result).status_code == 404


def test_a_peer_writer_gets_404(org: Org, client: Client) -> None:
    scenario = build(org, peers=3, upward=3)
    result = released(scenario)
    assert get(client, scenario.peers[0], result).status_code == 404
    assert get(client, scenario.reports[0], result).status_code == 404


def test_reviewee_gets_404_before_release_and_the_manager_does_not(
    org: Org, client: Client
) -> None:
    scenario = build(org, peers=3, upward=3)
    result = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    assert result.released_at is None
    assert get(client, org.lead, result).status_code == 404
    manager = get(client, org.manager, result)
    assert manager.status_code == 200 and manager.content.startswith(b"%PDF")
    assert get(client, org.lead, ReviewResult(pk=result.pk + 999)).status_code == 404


def test_the_result_page_links_the_packet(org: Org, client: Client) -> None:
    result = released(build(org, peers=3, upward=3))
    client.force_login(org.lead.user)
    page = client.get(f"/reviews/results/{result.pk}/")
    assert url(result).encode() in page.content


def test_without_weasyprint_the_page_answers_503(
    org: Org, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = released(build(org, peers=3, upward=3))
    # A module set to None in sys.modules fails to import, as a missing Pango would.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    response = get(client, org.lead, result)
    assert response.status_code == 503
    assert b"Pango" in response.content
    assert response["Content-Type"].startswith("text/plain")


def test_html_to_pdf_fetches_no_url(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import urllib.request

    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    opened: list[Any] = []
    real_open = urllib.request.OpenerDirector.open

    def spy(self: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(args)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", spy)
    # A refused stylesheet or image leaves the PDF made, without it.
    pdf = html_to_pdf(
        f'<link rel="stylesheet" href="file://{secret}"><img src="file://{secret}"><p>x</p>'
    )
    assert pdf.startswith(b"%PDF-")
    assert opened == []


@pytest.mark.parametrize("peers", [3, 8])
def test_the_packet_costs_a_fixed_number_of_queries(
    org: Org, client: Client, django_assert_max_num_queries: Any, peers: int
) -> None:
    result = released(build(org, peers=peers, upward=3))
    client.force_login(org.lead.user)
    with django_assert_max_num_queries(13):
        assert client.get(url(result)).status_code == 200

"""Static files in production: collectstatic writes content-hashed, compressed
copies and a manifest; WhiteNoise serves the hashed names compressed and
cached for a year or more, and nothing else is cached forever. Every
{% static %} path in the templates must be in the manifest, or the page
would fail in production only (the suite itself serves the source files)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client, override_settings

import cadence
from tests.conftest import Org

ONE_YEAR = 365 * 24 * 3600
STATIC_TAG = re.compile(r"""\{%\s*static\s+['"]([^'"]+)['"]\s*%\}""")


@pytest.fixture(scope="module")
def production_static(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The production storage over a fresh STATIC_ROOT, collected once for the
    module. The API docs' files (ninja) are left out: they are the slowest to
    compress and no page here uses them."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(
        DEBUG=False, STORAGES=storages, STATIC_ROOT=static_root, WHITENOISE_USE_FINDERS=False
    ):
        call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["ninja"])
        yield static_root


def cache_max_age(cache_control: str) -> int:
    match = re.search(r"max-age=(\d+)", cache_control)
    return int(match.group(1)) if match else 0


def template_static_paths() -> set[str]:
    root = Path(cadence.__file__).parent
    return {
        path
        for template in root.glob("**/templates/**/*.html")
        for path in STATIC_TAG.findall(template.read_text(encoding="utf-8"))
    }


def test_hashed_static_file_is_served_gzipped_and_cached_for_a_year(
    production_static: Path,
) -> None:
    url = staticfiles_storage.url("cadence/cadence.css")
    assert re.fullmatch(r"/static/cadence/cadence\.[0-9a-f]{12}\.css", url)

    response = Client().get(url, headers={"accept-encoding": "gzip"})

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert "immutable" in response["Cache-Control"]
    assert cache_max_age(response["Cache-Control"]) >= ONE_YEAR


def test_without_accept_encoding_the_file_is_sent_as_it_is(production_static: Path) -> None:
    url = staticfiles_storage.url("vendor/bootstrap/bootstrap.min.css")
    response = Client().get(url)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body == (production_static / url.removeprefix("/static/")).read_bytes()


def test_unhashed_name_is_never_cached_forever(production_static: Path) -> None:
    response = Client().get("/static/cadence/cadence.css")
    # Only the hashed copies are kept; if an unhashed one were served, a
    # browser must not keep it after an upgrade.
    assert response.status_code == 404 or "immutable" not in response["Cache-Control"]
    if response.has_header("Cache-Control"):
        assert cache_max_age(response["Cache-Control"]) < ONE_YEAR


def test_html_page_is_not_cached_forever(production_static: Path, db: None) -> None:
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    cache_control = response.get("Cache-Control", "")
    assert "immutable" not in cache_control
    assert cache_max_age(cache_control) < 3600


def test_every_static_path_in_the_templates_is_in_the_manifest(production_static: Path) -> None:
    paths = template_static_paths()
    assert "cadence/cadence.css" in paths  # the scan found the templates
    missing = sorted(path for path in paths if path not in staticfiles_storage.hashed_files)
    assert missing == []
    for path in paths:
        assert (production_static / staticfiles_storage.stored_name(path)).is_file()


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("manager", "/"),
        ("manager", "/goals/"),
        ("manager", "/people/"),
        ("hr_admin", "/insights/health/"),
    ],
)
def test_pages_render_with_hashed_static_urls(
    production_static: Path, client: Client, org: Org, who: str, page: str
) -> None:
    user = org.manager.user if who == "manager" else org.hr_admin
    client.force_login(user)
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert staticfiles_storage.url("cadence/cadence.css") in html
    assert "/static/cadence/cadence.css" not in html

"""Property-based tests of the whole API from its own OpenAPI document: for
every operation, generated valid and invalid requests (as an HR admin, who
may do everything) never cause a server error, and every response's status,
content type and body are the ones the document promises."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cadence.core.models import Role
from cadence.core.tokens import create_token
from cadence.goals.models import Kpi
from cadence.wsgi import application
from tests.factories import (
    CompetencyFactory,
    JobProfileFactory,
    LocationFactory,
    UserFactory,
    grant,
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def hr_admin_token(org) -> Iterator[str]:
    """A bearer token for an HR admin, in an organisation with a little of
    everything, so generated ids sometimes hit real rows."""
    profile = JobProfileFactory()
    profile.expected_proficiencies.create(competency=CompetencyFactory(), level=2)
    LocationFactory()
    kpi = Kpi.objects.create(
        name="Deploys", target=20, amber_threshold=15, red_threshold=10, department=org.engineering
    )
    kpi.measurements.create(measured_on=dt.date(2026, 1, 1), value=12)
    user = UserFactory(email="fuzz.admin@example.com")
    grant(user, Role.HR_ADMIN)
    _, raw = create_token(actor=None, user=user, name="schemathesis")
    # The WSGI transport fires request_started and request_finished, which
    # would close the test's connection (and its transaction) on PostgreSQL;
    # Django's own test client disconnects both in the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield raw
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, hr_admin_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {hr_admin_token}"},
        checks=CHECKS,
    )

"""Helpers for the end-to-end review cycle test: people with logins to add
to the `org` fixture, an API client that keeps every response a person
got (to search them for leaks), a signed-in page client for the peer
nominations (which have no API), and small readers of the JSON."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.test import Client

from cadence.core.models import User
from cadence.people.models import Department, Employee
from tests.api_client import Api
from tests.factories import EmployeeFactory, UserFactory

API = "/api/v1"


@dataclass
class Seen:
    """An API client for one person that keeps the raw bytes of every
    response they were sent."""

    api: Api
    who: Any
    bodies: list[bytes] = field(default_factory=list)

    def _keep(self, response: Any) -> Any:
        self.bodies.append(response.content)
        return response

    def get(self, path: str, **params: Any) -> Any:
        return self._keep(self.api.as_(self.who).get(API + path, **params))

    def post(self, path: str, body: Any) -> Any:
        return self._keep(self.api.as_(self.who).post(API + path, body))

    def patch(self, path: str, body: Any) -> Any:
        return self._keep(self.api.as_(self.who).patch(API + path, body))

    def ok(self, path: str, **params: Any) -> Any:
        """GET that must answer 200; its JSON."""
        response = self.get(path, **params)
        assert response.status_code == 200, (path, response.status_code, response.content)
        return response.json()

    def mine(self, **params: Any) -> list[dict[str, Any]]:
        """The reviews this person writes (`reviewer=me`)."""
        return list(self.ok("/assignments", reviewer="me", page_size=100, **params)["items"])


def person(pk: int, first: str, last: str, department: Department, manager: Employee) -> Employee:
    """An employee with a login, a distinctive id, email and number, so a
    leak of any of them shows in raw response bytes."""
    email = f"{first.lower()}.{last.lower()}@example.com"
    return EmployeeFactory(
        pk=pk,
        user=UserFactory(email=email),
        email=email,
        employee_number=f"PX-{pk}",
        first_name=first,
        last_name=last,
        department=department,
        manager=manager,
    )


def identifiers(employee: Employee) -> list[bytes]:
    """What would name `employee` in a response: full name, first and last
    name, email, employee number and id (as a whole number)."""
    return [
        employee.full_name.encode(),
        employee.first_name.encode(),
        employee.last_name.encode(),
        employee.email.encode(),
        employee.employee_number.encode(),
        str(employee.pk).encode(),
    ]


def leaks(bodies: list[bytes], people: list[Employee]) -> list[tuple[str, bytes]]:
    """Every (person, identifier) found in any of `bodies`. Ids match only
    as whole numbers, so 7770001 is not found inside 17770001."""
    found: list[tuple[str, bytes]] = []
    for employee in people:
        for token in identifiers(employee):
            pattern = re.compile(rb"(?<![0-9A-Za-z])" + re.escape(token) + rb"(?![0-9A-Za-z])")
            if any(pattern.search(body) for body in bodies):
                found.append((employee.full_name, token))
    return found


def signed_in(user: User | None) -> Client:
    """A browser session for the pages (the peer nominations have no API)."""
    assert user is not None
    client = Client()
    client.force_login(user)
    return client


def error_fields(response: Any) -> set[str | None]:
    """The fields named in an API error body."""
    return {e["field"] for e in response.json()["errors"]}


def kinds_and_reviewees(rows: list[dict[str, Any]]) -> set[tuple[str, int]]:
    return {(row["kind"], row["reviewee"]["id"]) for row in rows}


def answers_for(items: list[dict[str, Any]], texts: dict[str, str]) -> dict[str, Any]:
    """An answer for every item of a form: a rating of 4 for ratings, and
    for text items the text given for the item's label (or a default)."""
    out: dict[str, Any] = {}
    for item in items:
        if item["kind"] == "rating":
            out[item["key"]] = {"rating": "4"}
        elif item["kind"] == "text":
            out[item["key"]] = {"text": texts.get(item["label"], "Fine work.")}
    return out


def dump(value: Any) -> str:
    return json.dumps(value, indent=1, default=str)

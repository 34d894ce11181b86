"""The API test client: `api.as_(user)` sends a bearer token for `user`.
The `api` fixture itself is in tests/conftest.py."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from cadence.core.models import User
from cadence.core.tokens import create_token


class TokenClient:
    def __init__(self, token: str) -> None:
        self.token = token
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(path, json.dumps(body), content_type="application/json")

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(path, json.dumps(body), content_type="application/json")

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(path, json.dumps(body), content_type="application/json")


class Api:
    def __init__(self) -> None:
        self._clients: dict[int, TokenClient] = {}

    def as_(self, who: Any) -> TokenClient:
        user: User = who if isinstance(who, User) else who.user
        if user.pk not in self._clients:
            _, raw = create_token(actor=None, user=user, name="tests")
            self._clients[user.pk] = TokenClient(raw)
        return self._clients[user.pk]


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]

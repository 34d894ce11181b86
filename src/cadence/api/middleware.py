"""Keeps /api/ answers JSON even where the framework answers on its own:
a known path called with a method it does not take gets Django's empty 405."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from cadence.api.errors import error_body


class JsonMethodNotAllowedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allowed = response.get("Allow", "")
            json_response = JsonResponse(
                error_body(f"Method {request.method} is not allowed here. Allowed: {allowed}."),
                status=405,
            )
            json_response["Allow"] = allowed
            return json_response
        return response

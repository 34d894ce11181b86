"""One error shape for the whole API, and the handlers that turn every
failure into it: clients never get an HTML page or a bare 500 for bad input.

    {"detail": "Invalid input.", "errors": [{"field": "manager", "message": "…"}]}
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger("django.request")

# Where ninja says a bad value came from; the client only needs the field.
_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})


class FieldError(Schema):
    field: str | None = Field(
        None,
        description="The input field at fault (dotted when nested); null for the whole input.",
    )
    message: str


class ErrorOut(Schema):
    """Every error response has this shape."""

    detail: str = Field(description="What went wrong, for people.")
    errors: list[FieldError] = Field(
        default_factory=list, description="Field-level problems, when there are any."
    )


def responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """The error responses an operation can return, for its `response=`."""
    return dict.fromkeys(codes, ErrorOut)


# What each kind of operation can fail with.
READ_ERRORS = responses(401, 422)
DETAIL_ERRORS = responses(401, 404, 422)
WRITE_ERRORS = responses(400, 401, 403, 422)
UPDATE_ERRORS = responses(400, 401, 403, 404, 409, 422)


def error_body(detail: str, errors: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
    return {"detail": detail, "errors": list(errors)}


def _field_from_loc(loc: Iterable[Any]) -> str | None:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        source, parts = parts[0], parts[1:]
        # A body is read into one named parameter ("payload"): drop its name.
        if source in {"body", "form"} and len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts) or None


def _django_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": None if name == NON_FIELD_ERRORS else name, "message": message}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": None, "message": message} for message in exc.messages]


def install(api: NinjaAPI) -> None:
    """Register the handlers on `api`."""

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(NinjaValidationError)
    def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"field": _field_from_loc(e.get("loc", ())), "message": str(e.get("msg", "Invalid."))}
            for e in exc.errors
        ]
        return respond(request, 422, error_body("Invalid input.", errors))

    @api.exception_handler(DjangoValidationError)
    def rejected(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        # Every service marks a stale edit with a "version" error: that is a
        # conflict (409), not bad input.
        if "version" in getattr(exc, "error_dict", {}):
            return respond(
                request,
                409,
                error_body("This record was changed by someone else.", _django_errors(exc)),
            )
        return respond(request, 422, error_body("Invalid input.", _django_errors(exc)))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body("Not found."))

    @api.exception_handler(ObjectDoesNotExist)
    def no_such_object(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return respond(request, 404, error_body("Not found."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, error_body("You do not have permission to do this."))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(
            request,
            401,
            error_body("Authentication required: send 'Authorization: Bearer <token>'."),
        )
        response["WWW-Authenticate"] = 'Bearer realm="cadence"'
        return response

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        size = f" ({limit // 1_000_000} MB)" if limit else ""
        return respond(
            request, 413, error_body(f"The request body is larger than this server accepts{size}.")
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, exc.status_code, error_body(exc.message))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged the way Django logs an unhandled error, so alerting still fires.
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return respond(request, 500, error_body("Something went wrong on our side."))

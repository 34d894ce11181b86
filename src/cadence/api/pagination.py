"""Limit/offset pagination with bounds, so a huge or negative value is a 422
and never reaches the database. List endpoints answer `{"count", "items"}`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema

MAX_OFFSET = 10**9

T = TypeVar("T")


class PageParams(Schema):
    limit: int = Field(
        settings.CADENCE_PAGE_SIZE,
        ge=1,
        le=settings.CADENCE_API_MAX_LIMIT,
        description=f"How many items to return (1–{settings.CADENCE_API_MAX_LIMIT}).",
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")


class Page(Schema, Generic[T]):
    count: int = Field(description="How many items match, across all pages.")
    items: list[T]


def paginate(queryset: QuerySet[Any], page: PageParams) -> tuple[int, Sequence[Any]]:
    """The total count and one page of `queryset` (two queries)."""
    count = queryset.count()
    if page.offset >= count:
        return count, []
    return count, list(queryset[page.offset : page.offset + page.limit])

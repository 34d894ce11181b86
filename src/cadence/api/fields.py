"""Input types every app's API schemas share: ids the database can hold and
text that PostgreSQL can store."""

from __future__ import annotations

from typing import Annotated

from ninja import Field
from pydantic import AfterValidator, StringConstraints

# Largest key both SQLite and PostgreSQL (bigint) can hold.
MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it here rather than fail there.
    if "\x00" in value:
        raise ValueError("Text may not contain NUL characters.")
    return value


NoNul = AfterValidator(_no_nul)


def text_limits(max_length: int, min_length: int = 0) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


SearchText = Annotated[str, text_limits(200), NoNul]
LongText = Annotated[str, text_limits(10_000), NoNul]

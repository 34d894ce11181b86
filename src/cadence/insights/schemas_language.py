"""What POST /api/v1/insights/language takes and gives: a text in, its
flags (spans with a category, why, and what to write instead) and the
count per category out. Nothing is stored."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from cadence.insights.language import Flag, count_flags

# A review answer or a feedback note is far shorter; the cap keeps one
# request cheap (the checker is linear in the text's length).
MAX_TEXT = 20_000


class LanguageIn(Schema):
    # Not stripped: the offsets returned must point into the text as sent.
    text: str = Field(
        max_length=MAX_TEXT, description="The text to check (up to 20,000 characters)."
    )


class FlagOut(Schema):
    start: int = Field(description="Offset of the span's first character in `text`.")
    end: int = Field(description="Offset just after the span: text[start:end] is the span.")
    text: str = Field(description="The flagged span.")
    category: Literal["personality", "vague", "gender_coded"]
    reason: str = Field(description="Why it was flagged, in plain English.")
    suggestion: str = Field(description="What to write instead. Never required.")


class LanguageOut(Schema):
    flags: list[FlagOut]
    counts: dict[str, int] = Field(
        description="Flags per category: personality, vague, gender_coded (0 when none)."
    )


def language_out(flags: list[Flag]) -> dict[str, object]:
    return {"flags": [flag.as_dict() for flag in flags], "counts": count_flags(flags)}

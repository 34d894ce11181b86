"""POST /api/v1/insights/language: check a text for personality-focused
criticism, vague feedback and gender-coded words. Any signed-in user (it
checks only the text sent and stores nothing); the browser's as-you-type
check (static/cadence/language_check.js) calls it with the session and the
X-CSRFToken header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from cadence.api.errors import responses
from cadence.insights.language import check_text
from cadence.insights.schemas_language import LanguageIn, LanguageOut, language_out

router = Router(tags=["insights"])


@router.post(
    "/insights/language",
    response={200: LanguageOut, **responses(400, 401, 403, 422)},
    summary="Check review or feedback text for biased or vague wording",
)
def check_language(request: HttpRequest, payload: LanguageIn) -> Any:
    """Flags with character offsets into `text` (`text[start:end]` is the
    span), a category (`personality`: judging character instead of
    behaviour; `vague`: a sentence of generic praise or criticism with no
    example or outcome; `gender_coded`: a masculine- or feminine-coded word
    from Gaucher, Friesen & Kay, 2011), the reason and a suggestion. The
    flags are suggestions, never requirements. Text over 20,000 characters
    is a 422; a body that is not JSON a 400."""
    return language_out(check_text(payload.text))

"""Finding people by what someone types in a search box: each word must
match the person's first, last or preferred name (and, where a picker
takes contact details, their e-mail or employee number). Searches read at
most `MAX_WORDS` words."""

from __future__ import annotations

from django.db.models import Q

MAX_WORDS = 5


def words(q: str) -> list[str]:
    """The words of `q` a search reads."""
    return q.split()[:MAX_WORDS]


def person_matches(word: str, prefix: str = "", *, contact: bool = False) -> Q:
    """`word` in the name of the Employee reached through `prefix` ("" or
    e.g. "employee__"); with `contact`, also in their e-mail or equal to
    their employee number."""
    condition = (
        Q(**{f"{prefix}first_name__icontains": word})
        | Q(**{f"{prefix}last_name__icontains": word})
        | Q(**{f"{prefix}preferred_name__icontains": word})
    )
    if contact:
        condition |= Q(**{f"{prefix}email__icontains": word}) | Q(
            **{f"{prefix}employee_number__iexact": word}
        )
    return condition

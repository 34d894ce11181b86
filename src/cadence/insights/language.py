"""The review-language check: a transparent rule- and lexicon-based
checker for review and feedback text. `check_text(text)` returns flags with
character offsets into the text, a category, why it was flagged, and what
to write instead. Flags are suggestions: nothing here ever blocks saving.

The word lists and their sources are in language_lexicon.py. The rules:

1. Personality (`personality`): a word that judges character ("abrasive",
   "bossy", "too sensitive", "attitude problem") is flagged unless
   - it is negated: "not", "never", "without", "isn't"… within the three
     words before it, in the same clause. "She is not abrasive" is not a
     criticism; it still talks about personality, but flagging a denial
     would mostly be noise. (Cheap: no parsing, so "not only abrasive but…"
     slips through; an acceptable miss.)
   - it describes a thing, not a person:
     (a) the next word, or the one after it when the next is not a function
         word, is a work noun (WORK_NOUNS, or the word's own list):
         "an aggressive timeline", "a difficult migration plan",
         "emotional intelligence";
     (b) its subject is a work noun or "it/this/that/which" with a verb
         like "is/was/seemed" (and an optional "very/too…"): "the deadline
         was aggressive", "it was difficult to reproduce".
   - "attitude" after praise ("a great attitude") is not criticism.
2. Gender-coded (`gender_coded`): a masculine- or feminine-coded word of
   Gaucher, Friesen & Kay (2011) describing a person. Rule 1's "describes a
   thing" applies ("a competitive salary" says nothing about anyone);
   negation does not (the paper counts words, and "not assertive" is still
   coded language).
3. Vague (`vague`): a sentence with generic praise or criticism ("great
   job", "needs to improve", "good team player") and nothing specific in
   it: no number, no example marker ("for example", "when", "because",
   "which led to", "by <verb>ing", a date), no named deliverable (a
   capitalised name after "on/for/the…", or a noun like "billing
   migration"). The whole sentence is the span.

Speed: the regular expressions are compiled once, and a text is first
tested against a set of every lexicon word (one C-level set operation), so
the expensive part runs only on texts that contain a candidate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any, Final

from cadence.insights import language_lexicon as lex
from cadence.insights.language_lexicon import CATEGORIES, Category, Term


@dataclass(frozen=True)
class Flag:
    start: int  # offset of the span's first character in the text
    end: int  # offset just after the span (text[start:end] == self.text)
    text: str
    category: Category
    reason: str
    suggestion: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- compiled once ------------------------------------------------------------------------

_PERSONALITY: Final[dict[str, Term]] = {t.word: t for t in lex.PERSONALITY_TERMS}
_GENDERED: Final[dict[str, tuple[str, Term]]] = {
    **{t.word: ("feminine", t) for t in lex.FEMININE_WORDS},
    **{t.word: ("masculine", t) for t in lex.MASCULINE_WORDS},
}
_WORDS: Final[list[str]] = sorted(set(_PERSONALITY) | set(_GENDERED))


def _alternation(words: list[str]) -> str:
    """A regex matching exactly `words`, as a trie ("ab(?:c|d)") so that
    the engine does not try every word at every position."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = [
            re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)


_WORD_RE: Final = re.compile(r"\b" + _alternation(_WORDS) + r"\b(?!-[a-z])")
_PHRASE_RE: Final = re.compile(
    "|".join(
        rf"\b(?P<p{i}>{pattern})\b" for i, (_, pattern, _) in enumerate(lex.PERSONALITY_PHRASES)
    )
)
_TOKEN_RE: Final = re.compile(r"[a-z]+")
# Everything up to the last clause break (greedy: one pass, no backtracking search).
_UP_TO_CLAUSE_BREAK: Final = re.compile(r".*[.,;:!?()\[\]\n\"“”]", re.DOTALL)
_BEFORE_TOKEN_RE: Final = re.compile(r"[a-z]+(?:'[a-z]+)?")
_NEXT_RE: Final = re.compile(r"[ \t]+([a-z]+(?:-[a-z]+)*)(?:[ \t]+([a-z]+(?:-[a-z]+)*))?")
# A text sharing no word with these sets has no flag of that kind, and is
# skipped after one set operation (most texts, most of the time).
_WORD_TRIGGERS: Final[frozenset[str]] = frozenset(
    max(_TOKEN_RE.findall(word), key=len) for word in _WORDS
)
_PHRASE_TRIGGERS: Final[frozenset[str]] = frozenset(t for t, _, _ in lex.PERSONALITY_PHRASES)

# One pass finds generic praise and criticism alike (one scan is several
# times faster than one per pattern); the group name says which it was.
_GENERIC_RE: Final = re.compile(
    r"\b(?:(?P<criticism>"
    + "|".join(pattern for _, pattern in lex.GENERIC_CRITICISM)
    + r")|(?P<praise>"
    + "|".join(pattern for _, pattern in lex.GENERIC_PRAISE)
    + r"))\b"
)
_VAGUE_TRIGGERS: Final[frozenset[str]] = frozenset(
    word for words, _ in (*lex.GENERIC_PRAISE, *lex.GENERIC_CRITICISM) for word in words.split()
)
_DIGIT_RE: Final = re.compile(r"\d")
_SPECIFIC: Final[list[tuple[frozenset[str], re.Pattern[str]]]] = [
    (frozenset(words.split()), re.compile(pattern)) for words, pattern in lex.SPECIFIC_PATTERNS
]
_SPECIFIC_PHRASE_RE: Final = re.compile("|".join(map(re.escape, lex.SPECIFIC_PHRASES)))
_QUOTE_RE: Final = re.compile(lex.QUOTE_RE)
_UPPER_RE: Final = re.compile(r"[A-Z]")
_NAMED_RE: Final = re.compile(
    r"\b(?:" + "|".join(sorted(lex.NAME_INTRODUCERS)) + r")\s+(?!I\b)[A-Z][\w-]*"
)
_DELIVERABLE_RE: Final = re.compile(
    r"\b(?!(?:the|a|an|this|that|these|those|his|her|their|our|my|your|its|whole|entire|"
    r"new|big|recent|latest|last|every|all|any|some|many|several|great|good|nice|"
    r"excellent|solid|strong|overall|on|of|for|with|in|at|to|and|or)\b)[a-z]{3,}[ -]"
    r"(?:" + "|".join(sorted(lex.DELIVERABLE_NOUNS)) + r")s?\b"
)
_SENTENCE_END: Final = re.compile(r"[.!?]+[\"”’)]*(?=\s|$)|\n")
_ABBREVIATIONS: Final[tuple[str, ...]] = (
    "e.g.",
    "i.e.",
    "etc.",
    "vs.",
    "mr.",
    "ms.",
    "mrs.",
    "dr.",
    "approx.",
    "no.",
    "inc.",
    "st.",
)
_ASCII_LOWER: Final = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


# --- the checker --------------------------------------------------------------------------


def check_text(text: str) -> list[Flag]:
    """Every flag in `text`, in order of position (then category)."""
    if not text:
        return []
    lower = text.lower()
    if len(lower) != len(text):  # a few non-ASCII letters lowercase to two characters
        lower = text.translate(_ASCII_LOWER)
    flags: list[Flag] = []
    tokens = _TOKEN_RE.findall(lower)
    phrases = not _PHRASE_TRIGGERS.isdisjoint(tokens)
    if phrases or not _WORD_TRIGGERS.isdisjoint(tokens):
        flags.extend(_word_flags(text, lower, phrases=phrases))
    if not _VAGUE_TRIGGERS.isdisjoint(tokens):
        flags.extend(_vague_flags(text, lower))
    flags.sort(key=lambda f: (f.start, CATEGORIES.index(f.category), f.end))
    return flags


def categories_of(text: str) -> frozenset[Category]:
    """The categories flagged anywhere in `text` (for the HR aggregates)."""
    return frozenset(flag.category for flag in check_text(text))


def count_flags(flags: list[Flag]) -> dict[str, int]:
    """Flags per category, every category present (0 when none)."""
    counts: dict[str, int] = dict.fromkeys(CATEGORIES, 0)
    for flag in flags:
        counts[flag.category] += 1
    return counts


# --- personality and gender-coded words ---------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """The words around a candidate: up to six before it in its clause,
    and up to two right after it (no punctuation in between)."""

    before: list[str]
    next1: str | None
    next2: str | None

    @classmethod
    def around(cls, lower: str, start: int, end: int) -> _Context:
        following = _NEXT_RE.match(lower, end)
        return cls(
            before=_clause_tokens(lower, start),
            next1=following.group(1) if following else None,
            next2=following.group(2) if following else None,
        )

    @property
    def negated(self) -> bool:
        return any(t in lex.NEGATIONS or t.endswith("n't") for t in self.before[-3:])


def _word_flags(text: str, lower: str, *, phrases: bool) -> Iterator[Flag]:
    phrase_spans: list[tuple[int, int]] = []
    for match in _PHRASE_RE.finditer(lower) if phrases else ():
        start, end = match.span()
        if _Context.around(lower, start, end).negated:
            continue
        index = int((match.lastgroup or "p0")[1:])
        phrase_spans.append((start, end))
        yield _personality_flag(text, start, end, lex.PERSONALITY_PHRASES[index][2])
    for match in _WORD_RE.finditer(lower):
        start, end = match.span()
        word = match.group()
        context = _Context.around(lower, start, end)
        personality = _PERSONALITY.get(word)
        gendered = _GENDERED.get(word)
        ok_next = (personality.ok_next if personality else frozenset()) | (
            gendered[1].ok_next if gendered else frozenset()
        )
        if not _fits_neighbours(word, context) or _describes_a_thing(context, ok_next):
            continue
        if (
            personality is not None
            and not context.negated
            and not any(s <= start and end <= e for s, e in phrase_spans)
            and not (
                word == "attitude"
                and context.before[-1:]
                and context.before[-1] in lex.ATTITUDE_PRAISE
            )
        ):
            yield _personality_flag(text, start, end, personality.hint)
        if gendered is not None:
            yield _gender_flag(text, start, end, gendered[0])


def _fits_neighbours(word: str, context: _Context) -> bool:
    """False for the word forms that are not a trait next to certain
    words: "kind of", "this kind", "determined by", "to be honest"."""
    not_before = lex.NOT_BEFORE.get(word)
    if not_before and context.next1 in not_before:
        return False
    not_after = lex.NOT_AFTER.get(word)
    before = context.before
    return not (
        not_after and before and (before[-1] in not_after or " ".join(before[-2:]) in not_after)
    )


_ADVERBS_BEFORE_COPULA: Final = frozenset({"not", "also", "always", "still", "just", "often"})


def _describes_a_thing(context: _Context, ok_next: frozenset[str]) -> bool:
    """Rule 1: the word qualifies a work noun, or its subject is a thing."""
    first, second = context.next1, context.next2
    if first and (first in lex.WORK_NOUNS or first in ok_next):
        return True
    if (
        first
        and second
        and first not in lex.FUNCTION_WORDS
        and (second in lex.WORK_NOUNS or second in ok_next)
    ):
        return True
    before = list(context.before)
    while before and before[-1] in lex.INTENSIFIERS:
        before.pop()
    if not before:
        return False
    last = before.pop()
    if last.endswith("'s") and last[:-2] in lex.THING_SUBJECTS:
        return True  # "it's difficult to…"
    if last not in lex.COPULAS:
        return False
    while before and before[-1] in _ADVERBS_BEFORE_COPULA:
        before.pop()
    return bool(before) and (before[-1] in lex.THING_SUBJECTS or before[-1] in lex.WORK_NOUNS)


def _clause_tokens(lower: str, start: int) -> list[str]:
    """Up to the last six words before `start`, in its clause."""
    window = lower[max(0, start - 60) : start]
    cut = _UP_TO_CLAUSE_BREAK.match(window)
    if cut:
        window = window[cut.end() :]
    return _BEFORE_TOKEN_RE.findall(window.replace("’", "'"))[-6:]


def _personality_flag(text: str, start: int, end: int, hint: str) -> Flag:
    span = text[start:end]
    if not hint or hint.startswith("e.g."):
        suggestion = f"{lex.BEHAVIOUR_ADVICE}{', ' + hint if hint else ''}."
    else:
        suggestion = f"{hint}."
    return Flag(
        start=start,
        end=end,
        text=span,
        category="personality",
        reason=(
            f"“{span}” judges the person's character rather than describing what they "
            "did. The reader cannot act on it, and words like this are used far more "
            "often in reviews of women than of men."
        ),
        suggestion=suggestion.replace("..", "."),
    )


def _gender_flag(text: str, start: int, end: int, coding: str) -> Flag:
    span = text[start:end]
    other = "feminine" if coding == "masculine" else "masculine"
    return Flag(
        start=start,
        end=end,
        text=span,
        category="gender_coded",
        reason=(
            f"“{span}” is a {coding}-coded word (Gaucher, Friesen & Kay, 2011). Reviews "
            f"tend to describe the same work with {coding} words for some people and "
            f"{other} words for others."
        ),
        suggestion=(
            "Keep it if it fits, but back it with what they did (e.g. 'chose the vendor "
            "in two days and explained why'), and check you would use the same word for "
            "anyone doing the same work."
        ),
    )


# --- vague sentences ----------------------------------------------------------------------


def _vague_flags(text: str, lower: str) -> Iterator[Flag]:
    generic = [
        (match.start(), match.lastgroup == "criticism") for match in _GENERIC_RE.finditer(lower)
    ]
    if not generic:
        return
    for start, end in sentence_spans(text):
        found = [criticism for at, criticism in generic if start <= at < end]
        if not found or _is_specific(text[start:end], lower[start:end]):
            continue
        criticism = any(found)
        yield Flag(
            start=start,
            end=end,
            text=text[start:end],
            category="vague",
            reason=(
                "Generic criticism with no example or outcome: the reader cannot tell "
                "what to change."
                if criticism
                else "Generic praise with no example or outcome: the reader cannot tell "
                "what to keep doing."
            ),
            suggestion=(
                "Say what happened and what should change, e.g. 'In the March planning "
                "review the estimates listed no risks; next time list the top three.'"
                if criticism
                else "Name the work and its effect, e.g. 'Your rewrite of the onboarding "
                "guide halved new starters' setup questions.'"
            ),
        )


def _is_specific(original: str, lower: str) -> bool:
    """Rule 3: a number, an example marker, a date, a quote or a named
    deliverable anywhere in the sentence."""
    if _DIGIT_RE.search(lower):
        return True
    tokens = set(_TOKEN_RE.findall(lower))
    if not lex.SPECIFIC_WORDS.isdisjoint(tokens):
        return True
    if _SPECIFIC_PHRASE_RE.search(f" {lower} "):
        return True
    if any(not words.isdisjoint(tokens) and rx.search(lower) for words, rx in _SPECIFIC):
        return True
    if ("“" in lower or '"' in lower or "‘" in lower) and _QUOTE_RE.search(lower):
        return True
    if _UPPER_RE.search(original, 1) and _NAMED_RE.search(original):
        return True
    return not lex.DELIVERABLE_NOUNS.isdisjoint(tokens) and bool(_DELIVERABLE_RE.search(lower))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, without surrounding spaces. A full
    stop after an abbreviation ("e.g.") or between digits does not end one."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for boundary in _SENTENCE_END.finditer(text):
        end = boundary.end()
        if text[boundary.start()] == "." and text[begin:end].lower().endswith(_ABBREVIATIONS):
            continue
        spans.append((begin, end))
        begin = end
    spans.append((begin, len(text)))
    trimmed = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            trimmed.append((start, end))
    return trimmed

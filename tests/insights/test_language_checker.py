"""The review-language checker: precision and recall on the labelled set
(tests/insights/language_sentences.py), spans, categories, reasons and
the context rules (negation, words that describe work)."""

from __future__ import annotations

import pytest

from cadence.insights.language import Flag, check_text, count_flags, sentence_spans
from tests.insights.language_sentences import LABELLED

THRESHOLD = 0.85


def _precision_recall(pairs: list[tuple[bool, bool]]) -> tuple[float, float, int, int, int]:
    """(precision, recall, true positives, false positives, false negatives)
    of predicted-vs-labelled booleans."""
    tp = sum(1 for predicted, actual in pairs if predicted and actual)
    fp = sum(1 for predicted, actual in pairs if predicted and not actual)
    fn = sum(1 for predicted, actual in pairs if actual and not predicted)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn


def test_labelled_set_is_big_and_balanced() -> None:
    assert len(LABELLED) >= 60
    flagged = sum(1 for _, labels in LABELLED if labels)
    assert 0.4 <= flagged / len(LABELLED) <= 0.6
    for category in ("personality", "vague", "gender_coded"):
        assert sum(1 for _, labels in LABELLED if category in labels) >= 10, category
    assert len({sentence for sentence, _ in LABELLED}) == len(LABELLED)


def test_precision_and_recall_of_flag_or_not(capsys: pytest.CaptureFixture[str]) -> None:
    pairs = [(bool(check_text(sentence)), bool(labels)) for sentence, labels in LABELLED]
    precision, recall, tp, fp, fn = _precision_recall(pairs)
    with capsys.disabled():
        print(
            f"\nlanguage check, flag / no flag on {len(LABELLED)} sentences: "
            f"precision {precision:.3f}, recall {recall:.3f} (tp {tp}, fp {fp}, fn {fn})"
        )
    misses = [s for s, labels in LABELLED if bool(check_text(s)) != bool(labels)]
    assert precision > THRESHOLD, misses
    assert recall > THRESHOLD, misses


@pytest.mark.parametrize("category", ["personality", "vague", "gender_coded"])
def test_precision_and_recall_per_category(
    category: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = [
        (any(f.category == category for f in check_text(sentence)), category in labels)
        for sentence, labels in LABELLED
    ]
    precision, recall, tp, fp, fn = _precision_recall(pairs)
    with capsys.disabled():
        print(
            f"\nlanguage check, {category}: precision {precision:.3f}, recall {recall:.3f} "
            f"(tp {tp}, fp {fp}, fn {fn})"
        )
    assert precision > THRESHOLD
    assert recall > THRESHOLD


def test_precision_recall_helper_counts_by_hand() -> None:
    # The helper itself, on a table worked out by hand: 2 tp, 1 fp, 1 fn.
    pairs = [(True, True), (True, True), (True, False), (False, True), (False, False)]
    assert _precision_recall(pairs) == (2 / 3, 2 / 3, 2, 1, 1)


# --- spans, categories and reasons -----------------------------------------------------------


def _only(text: str, category: str) -> list[Flag]:
    return [f for f in check_text(text) if f.category == category]


def test_every_span_points_into_the_text() -> None:
    for sentence, _ in LABELLED:
        padded = f"  Intro line.\n\n{sentence}  "
        for flag in check_text(padded):
            assert padded[flag.start : flag.end] == flag.text
            assert flag.reason and flag.suggestion


def test_personality_word_span_and_reason() -> None:
    text = "Overall a strong quarter. Sadly she can be ABRASIVE with the support team."
    [flag] = _only(text, "personality")
    assert (flag.start, flag.end) == (text.index("ABRASIVE"), text.index("ABRASIVE") + 8)
    assert text[flag.start : flag.end] == "ABRASIVE" == flag.text
    assert "character" in flag.reason and "ABRASIVE" in flag.reason
    assert flag.suggestion.startswith("Describe what they did")


def test_phrase_span_covers_the_phrase() -> None:
    text = "He is too sensitive to criticism."
    [flag] = _only(text, "personality")
    assert flag.text == "too sensitive" == text[flag.start : flag.end]
    # "sensitive" is also feminine-coded: a second flag on the word alone.
    [coded] = _only(text, "gender_coded")
    assert coded.text == "sensitive" and coded.start == text.index("sensitive")


def test_a_word_in_two_lists_gives_two_flags_on_one_span() -> None:
    flags = check_text("He was aggressive with the vendor.")
    assert sorted(f.category for f in flags) == ["gender_coded", "personality"]
    assert {(f.start, f.end) for f in flags} == {(7, 17)}


def test_gender_coded_reason_names_the_coding_and_the_source() -> None:
    [warm] = _only("She is warm with new joiners.", "gender_coded")
    assert "feminine-coded" in warm.reason and "Gaucher, Friesen & Kay, 2011" in warm.reason
    [decisive] = _only("He is decisive in a crisis.", "gender_coded")
    assert "masculine-coded" in decisive.reason


def test_vague_flags_the_whole_sentence_only() -> None:
    text = "She rewrote the importer, which cut failures by 30%. Great job this year! Thanks."
    [flag] = check_text(text)
    assert flag.category == "vague"
    assert flag.text == "Great job this year!" == text[flag.start : flag.end]
    assert "praise" in flag.reason


def test_vague_criticism_has_its_own_reason() -> None:
    [flag] = check_text("He needs to improve.")
    assert flag.category == "vague" and "criticism" in flag.reason
    assert "what should change" in flag.suggestion


@pytest.mark.parametrize(
    "specific",
    [
        "Great job on the billing migration.",
        "Great job this year, for example the March release.",
        "Great job, because the launch went out on time.",
        "Great job on Atlas.",
        "Great job by automating the invoice checks.",
        "Great job, which led to fewer tickets.",
        "Great job this year: 12 releases.",
    ],
)
def test_a_specific_detail_makes_praise_not_vague(specific: str) -> None:
    assert _only(specific, "vague") == []


def test_negated_personality_word_is_not_criticism_but_is_still_coded() -> None:
    assert _only("She is not abrasive.", "personality") == []
    assert _only("He never seemed arrogant.", "personality") == []
    # Gender-coded words are counted as words, negated or not (as in the paper).
    assert [f.text for f in _only("He isn't aggressive.", "gender_coded")] == ["aggressive"]


@pytest.mark.parametrize(
    "text",
    [
        "We agreed an aggressive timeline.",
        "An aggressive delivery timeline.",
        "The deadline was very aggressive.",
        "It was difficult to reproduce.",
        "It's difficult to say.",
        "She attended an emotional intelligence course.",
        "A competitive salary.",
        "The migration proved difficult.",
    ],
)
def test_words_describing_work_are_not_flagged(text: str) -> None:
    assert check_text(text) == []


def test_a_person_after_a_preposition_is_still_a_person() -> None:
    # "towards" stops the look-ahead: "customers" is not what is aggressive.
    assert _only("She is aggressive towards customers.", "personality")


def test_praise_of_attitude_is_not_personality_criticism() -> None:
    assert _only("He has a positive attitude in every retro.", "personality") == []
    assert _only("Her attitude has been dismissive.", "personality")


def test_stem_forms_that_name_work_are_not_gender_coded() -> None:
    text = (
        "Her analysis of the competency framework showed the support queue depends on "
        "one leader; the objective is to commit the fix."
    )
    assert _only(text, "gender_coded") == []


def test_counts_have_every_category() -> None:
    flags = check_text("He was aggressive. Great job!")
    assert count_flags(flags) == {"personality": 1, "vague": 1, "gender_coded": 1}
    assert count_flags([]) == {"personality": 0, "vague": 0, "gender_coded": 0}


def test_empty_and_odd_text() -> None:
    assert check_text("") == []
    assert check_text("   \n\n ") == []
    # A letter that lowercases to two characters must not shift the offsets.
    text = "İstanbul office: she is abrasive."
    [flag, *_] = _only(text, "personality")
    assert text[flag.start : flag.end] == "abrasive"


def test_sentences_do_not_split_at_abbreviations_or_decimals() -> None:
    text = "Cut costs by 8.5% e.g. on hosting. Next one!\nLast line"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Cut costs by 8.5% e.g. on hosting.",
        "Next one!",
        "Last line",
    ]

"""The folding shared by queries and documents."""

from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st

from yuqing.search.query.normalize import fold, fold_char, original_span


def test_fold() -> None:
    assert fold("ＣＯＶＩＤ－１９（武汉）") == "covid-19(武汉)"
    assert fold("武\u200b汉\ufeff") == "武汉"
    assert fold("a\tb\nc\u3000d\u00a0e") == "a b c d e"
    assert fold("展开全文…") == "展开全文..."
    assert fold("①㎞") == "1km"
    assert fold("，。") == ",。"


def test_every_code_point_folds_idempotently_and_never_to_a_newline() -> None:
    """Idempotence is what makes ``unparse`` round-trip; no newline is what lets the
    matcher join fields with one."""
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code < 0xE000:
            continue
        folded = fold_char(chr(code))
        assert "\n" not in folded
        assert fold(folded) == folded, hex(code)


@given(st.text(max_size=40), st.data())
def test_original_span_covers_the_folded_span(text: str, data: st.DataObject) -> None:
    folded = fold(text)
    if not folded:
        return
    start = data.draw(st.integers(0, len(folded) - 1))
    end = data.draw(st.integers(start + 1, len(folded)))
    begin, stop = original_span(text, start, end)
    assert 0 <= begin < stop <= len(text)
    assert folded[start:end] in fold(text[begin:stop])


def test_original_span_after_expanding_characters() -> None:
    text = "他说…武汉㎞封城"
    folded = fold(text)
    start = folded.index("武汉")
    assert original_span(text, start, start + 2) == (3, 5)
    k = folded.index("k")
    assert original_span(text, k, k + 1) == (5, 6)

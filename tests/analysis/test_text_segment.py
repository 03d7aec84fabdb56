"""Word segmentation with a per-deployment user dictionary (yuqing.analysis.text.segment)."""

from __future__ import annotations

from pathlib import Path

import pytest
import rjieba

from yuqing.analysis.text.segment import Segmenter, load_user_dictionary

SENTENCE = "深圳市龙华区民政局今天在幸福里社区发布通知"


def test_user_words_are_kept_whole() -> None:
    plain = Segmenter().cut(SENTENCE)
    assert "龙华区民政局" not in plain and "幸福里社区" not in plain
    custom = Segmenter(["龙华区民政局", ("幸福里社区", 50)]).cut(SENTENCE)
    assert custom == ["深圳市", "龙华区民政局", "今天", "在", "幸福里社区", "发布", "通知"]


def test_dictionaries_are_private() -> None:
    Segmenter(["幸福里社区"])
    # Neither a plain segmenter nor rjieba's module-level dictionary (used by the tone
    # features) learns another segmenter's words.
    assert "幸福里社区" not in Segmenter().cut(SENTENCE)
    assert "幸福里社区" not in rjieba.cut(SENTENCE)
    assert not rjieba.has_word("幸福里社区")


def test_same_words_share_one_dictionary() -> None:
    a = Segmenter(["幸福里社区", "龙华区民政局"])
    b = Segmenter(["幸福里社区", "龙华区民政局"])
    assert a._cut.__self__ is b._cut.__self__  # type: ignore[attr-defined]
    assert a.user_words == ("幸福里社区", "龙华区民政局")
    # Blank entries are dropped; a repeated word counts once.
    assert Segmenter(["  ", "幸福里社区", ("幸福里社区", 9)]).user_words == ("幸福里社区",)


def test_emoticons_are_single_tokens_and_whitespace_is_dropped() -> None:
    words = Segmenter().cut("  太好了[哈哈] [doge]\t下班 [二哈]")
    assert words == ["太好了", "[哈哈]", "[doge]", "下班", "[二哈]"]
    # Long bracketed text is cut like any other text.
    assert "[" in Segmenter().cut("[通知明天全市停课请家长注意]")


def test_cut_many_and_odd_input() -> None:
    seg = Segmenter()
    assert seg.cut_many(["武汉加油", "", "   "]) == [["武汉", "加油"], [], []]
    # Unpaired surrogates cannot cross into Rust; they are replaced instead of raising.
    assert seg.cut("武汉\ud800加油")[0] == "武汉"


def test_load_user_dictionary(tmp_path: Path) -> None:
    path = tmp_path / "userdict.txt"
    path.write_text("\ufeff龙华区民政局\n幸福里社区 50\n\n观澜河 10 ns\n大浪街道 ns\n",
                    encoding="utf-8")
    words = load_user_dictionary(path)
    assert words == ["龙华区民政局", ("幸福里社区", 50), ("观澜河", 10), "大浪街道"]
    assert "观澜河" in Segmenter(words).cut("观澜河水质改善")


@pytest.mark.parametrize("line", ["幸福里社区 50 ns extra", "幸福里社区 ns 50", "幸福里社区 5.0"])
def test_load_user_dictionary_rejects_malformed_lines(tmp_path: Path, line: str) -> None:
    path = tmp_path / "userdict.txt"
    path.write_text(f"龙华区民政局\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"userdict.txt:2"):
        load_user_dictionary(path)

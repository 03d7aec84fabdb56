"""Normalisation used by the near-duplicate matcher."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from yuqing.analysis.dedup import minhash
from yuqing.analysis.dedup.textnorm import (
    collapse_whitespace,
    fold_width,
    match_text,
    split_repost_chain,
    strip_decorations,
    strip_emoticons,
    strip_hashtags,
    strip_mentions,
    strip_truncation,
    strip_urls,
)


def test_strip_urls_mentions_emoticons() -> None:
    assert strip_urls("看这里 http://t.cn/A6abc 和 https://weibo.com/x?y=1 完") == "看这里  和  完"
    assert strip_mentions("谢谢@人民日报 和@小-明_2 的报道") == "谢谢 和 的报道"
    assert strip_emoticons("好[哈哈]棒[doge]") == "好棒"
    # Long bracketed text is content, not an emoticon.
    assert strip_emoticons("[通知明天全市停课请家长注意]") == "[通知明天全市停课请家长注意]"
    assert strip_decorations("L一手video的秒拍视频 正文 网页链接") == " 正文 "
    assert strip_hashtags("#全国累计确诊# 加油 #武汉#") == " 加油 "


def test_truncation_flag() -> None:
    assert strip_truncation("一段很长的文字…展开全文") == ("一段很长的文字", True)
    assert strip_truncation("一段文字 展开全文 c") == ("一段文字", True)
    assert strip_truncation("完整的文字") == ("完整的文字", False)


def test_width_and_whitespace() -> None:
    assert fold_width("ＡＢＣ１２３！，") == "ABC123!,"
    assert fold_width("中文。") == "中文。"
    assert collapse_whitespace("  a \t b\u3000\nc ") == "a b c"


def test_split_repost_chain() -> None:
    chain = split_repost_chain("说得对//@张三: 转发一下 //@李四：原文在此")
    assert chain.own == "说得对"
    assert chain.names == ("张三", "李四")
    assert [q.strip() for q in chain.quoted] == ["转发一下", "原文在此"]
    assert split_repost_chain("没有转发").quoted == ()


def test_match_text_separates_own_words() -> None:
    plain = match_text("转发微博//@某人:武汉加油，中国加油[心]")
    assert plain.own == ""
    assert plain.content == "武汉加油,中国加油"
    empty = match_text("")
    assert (empty.own, empty.content, empty.truncated) == ("", "", False)
    own = match_text("ＨＥＬＬＯ 世界 @某人 http://t.cn/x …展开全文")
    assert own.own == own.content == "hello世界"
    assert own.truncated


def test_bulk_fold_matches_fold_width() -> None:
    text = "ＡＢＣ！？ｘｙｚ１２３中文，。"
    folded = match_text(text, fold=False).content
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
    assert minhash.fold_codes(codes).tobytes().decode("utf-32-le") == match_text(text).content


@given(st.text())
def test_normalisation_never_raises(text: str) -> None:
    result = match_text(text)
    assert isinstance(result.content, str)
    assert len(result.own) <= len(result.content) or result.own == ""
    assert collapse_whitespace(text) == collapse_whitespace(collapse_whitespace(text))

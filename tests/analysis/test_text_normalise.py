"""The normal form of a post (yuqing.analysis.text.normalise)."""

from __future__ import annotations

import opencc
from hypothesis import given, settings
from hypothesis import strategies as st

from yuqing.analysis.text.normalise import Normalised, normalise, normalise_many


def test_full_width_letters_and_digits_fold_chinese_punctuation_stays() -> None:
    n = normalise("ＣＯＶＩＤ－１９确诊１２３例，请注意！（通知）～…")
    assert n.text == "COVID-19确诊123例，请注意！（通知）～…"


def test_compatibility_forms_fold() -> None:
    # Kangxi radicals (used to dodge keyword filters), circled numbers, squared units.
    assert normalise("⼈⺠⽇报 ① 50㎡").text == "人⺠日报 1 50m2"
    assert normalise("＃武汉加油＃ ＠某人").text == "#武汉加油# @某人"


def test_emoji_are_not_folded() -> None:
    # NFKC would turn these into 禁 and TM.
    n = normalise("禁止吸烟🈲 ™")
    assert n.text == "禁止吸烟🈲 ™"
    assert n.emoji == ("🈲",)


def test_invisible_characters_and_icons() -> None:
    assert normalise("武\u200b汉\u200d加\ufeff油\u00ad").text == "武汉加油"
    assert normalise("a\x00b\x1bc").text == "abc"
    # Weibo's icon font (the super-topic mark) separates words.
    assert normalise("\ue627肺炎患者求助超话").text == "肺炎患者求助超话"
    assert normalise("求助\ue627超话").text == "求助 超话"
    # A zero-width joiner inside an emoji sequence survives.
    family = "👨\u200d👩\u200d👧"
    assert normalise(f"一家{family}").emoji == (family,)


def test_whitespace_collapses() -> None:
    assert normalise("  第一行\n\n第二行\u3000\u3000第三行\t ").text == "第一行 第二行 第三行"
    assert normalise("").text == ""
    assert normalise(" \u3000 ") == normalise("")


def test_truncation_marker() -> None:
    cut = normalise("这是一条很长的微博…展开全文c")
    assert (cut.text, cut.truncated) == ("这是一条很长的微博", True)
    assert normalise("被折叠的全文在这里 收起全文d") == normalise("被折叠的全文在这里")
    assert normalise("收起全文d").truncated is False
    assert normalise("点击查看全文内容").text == "点击查看全文内容"


def test_repost_chain() -> None:
    n = normalise("说得对[赞]//@张三:武汉加油//@李四：原文在这里 http://t.cn/A6abc")
    assert n.own == "说得对[赞]"
    assert n.chain == ("武汉加油", "原文在这里 http://t.cn/A6abc")
    assert "张三" not in n.content and "李四" not in n.content
    assert n.content == "说得对 武汉加油 原文在这里"
    assert n.own_content == "说得对"
    mention = normalise("@王五 你看看这个 http://t.cn/A6abc")
    assert mention.own_content == mention.content == "你看看这个"


def test_plain_repost_has_no_own_words() -> None:
    n = normalise("转发微博//@张三:武汉加油")
    assert n.own == "" and n.own_content == ""
    assert n.content == "武汉加油"
    assert n.chain == ("武汉加油",)
    assert normalise("转发微博").own == ""
    assert normalise("//@张三:").chain == ("",)


def test_emoticons_emoji_hashtags_in_order() -> None:
    n = normalise("#武汉加油#好[哈哈]难过[泪]❤️#抗击疫情#😭[哈哈]#  #")
    assert n.emoticons == ("[哈哈]", "[泪]", "[哈哈]")
    assert n.emoji == ("❤️", "😭")
    assert n.hashtags == ("武汉加油", "抗击疫情")
    # Long bracketed text is not an emoticon; bullets are not emoji.
    other = normalise("[通知明天全市停课请家长注意] ★ ● →")
    assert other.emoticons == () and other.emoji == ()


def test_flags_keycaps_and_skin_tones() -> None:
    assert normalise("🇨🇳加油1️⃣👍🏻").emoji == ("🇨🇳", "1️⃣", "👍🏻")


def test_content_drops_links_mentions_cards_and_emoticons() -> None:
    n = normalise("L某某的微博视频 现场画面[吃惊] @某人 网页链接 http://t.cn/A6x 完")
    assert n.content == "现场画面 完"
    assert n.text.startswith("L某某的微博视频")


def test_traditional_to_simplified_only_when_asked() -> None:
    text = "我們瞭解臺灣的情況[愛你]"
    assert normalise(text).text == text
    n = normalise(text, to_simplified=True)
    assert n.text == "我们了解台湾的情况[爱你]"
    assert n.emoticons == ("[爱你]",)
    # Text with nothing to convert is returned as it was.
    assert normalise("武汉加油", to_simplified=True).text == "武汉加油"


def test_normalise_many() -> None:
    texts = ["甲//@乙:丙", "ＡＢ"]
    assert normalise_many(texts) == [normalise(t) for t in texts]
    assert normalise_many([]) == []


# No deadline: the first call builds the folding and conversion tables (~0.1 s, once).
@settings(max_examples=300, deadline=None)
@given(st.text(), st.booleans())
def test_never_raises_and_text_is_clean(text: str, simplified: bool) -> None:
    n = normalise(text, to_simplified=simplified)
    assert isinstance(n, Normalised)
    assert n.text == " ".join(n.text.split())
    assert "\u200b" not in n.text and "\ufeff" not in n.text
    assert all(e in n.text for e in n.emoticons)
    assert all(e in n.text for e in n.emoji)


WEIBOISH = list("武汉加油//@:：#[]哈 　ＡＢ１\u200b\u200d😀…展开全文c")


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from(WEIBOISH)))
def test_weibo_like_input(text: str) -> None:
    n = normalise(text)
    assert n.own in n.text
    assert all(segment in n.text for segment in n.chain)


MIXED_SCRIPTS = list("么麼麽幺瞭解了覆反复沈默沉著着乾坤干燥後后發发的一 ")
T2S = opencc.OpenCC("t2s")


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from(MIXED_SCRIPTS)))
def test_skipping_conversion_never_changes_the_result(text: str) -> None:
    # Conversion is skipped for texts without a character that could change: that must give
    # exactly what OpenCC would.
    plain = normalise(text).text
    assert normalise(text, to_simplified=True).text == T2S.convert(plain)

"""Text normalisation for matching Weibo-style posts.

Near-duplicate detection compares *what a person wrote*, so everything that
varies between copies of the same text without changing it must go first:
links (shorteners differ per copy), @mentions, bracketed emoticons such as
``[哈哈]``, the ``…展开全文`` marker of a truncated feed item, full-/half-width
variants of the same character and whitespace.

Reposts need special care: Weibo stores a repost as
``own words//@B: B's words//@C: C's words``.  :func:`split_repost_chain`
separates the author's own words from the quoted segments, so that callers can
decide whether a post has anything of its own to match on (``转发微博`` or an
empty repost does not) and what it quotes.

All functions are pure, take and return ``str`` and never raise on any input;
they are written for throughput (a handful of precompiled regular expressions
and ``str.translate``), because the matcher runs them on every ingested post.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from yuqing.analysis.transport import by_fields

__all__ = [
    "BOILERPLATE_REPOSTS",
    "EMOTICON_RE",
    "HASHTAG_RE",
    "MatchText",
    "RepostChain",
    "collapse_whitespace",
    "fold_width",
    "match_text",
    "split_repost_chain",
    "strip_decorations",
    "strip_emoticons",
    "strip_hashtags",
    "strip_mentions",
    "strip_truncation",
    "strip_urls",
]

#: Weibo's default repost texts: they carry no words of the author's own.
BOILERPLATE_REPOSTS = frozenset({"转发微博", "轉發微博", "repost", "转发", "轉發"})

_URL = r"(?:https?://|www\.)[^\s\u3000，。！？；、）】》\"'<>]+|\bt\.cn/[A-Za-z0-9]+"
# A mention ends at whitespace or punctuation; Weibo names are 2-30 chars of
# letters, digits, CJK, '-' and '_' (``\w`` covers CJK in Python).
_MENTION = r"@[\w\-]{1,30}"
# Bracketed emoticons are short ([哈哈], [doge], [二哈]); the length cap keeps
# real bracketed text such as [通知：明天停课] from being removed.
_EMOTICON = r"\[\w{1,8}\]"
# "L<name>的微博视频" / "的秒拍视频" is the text Weibo puts in place of a video card.
_VIDEO_CARD = r"L[^\s\u3000]{1,40}?的(?:微博|秒拍)视频"
_LINK_WORDS = r"网页链接|O网页链接|查看图片"

_URL_RE = re.compile(_URL)
_MENTION_RE = re.compile(_MENTION)
EMOTICON_RE = re.compile(_EMOTICON)
_VIDEO_CARD_RE = re.compile(_VIDEO_CARD)
HASHTAG_RE = re.compile(r"#[^#\n]{1,60}#")
_LINK_WORDS_RE = re.compile(_LINK_WORDS)
_TRUNCATION_RE = re.compile(r"(?:\.\.\.|…|⋯)?\s*(?:展开全文|收起全文)\s*[a-zA-Z]?\s*$")
_CHAIN_RE = re.compile(r"//\s*@([^:：\s/]{1,30})\s*[:：]?")
_SPACE_RE = re.compile(r"\s+")

# Full-width ASCII (U+FF01-U+FF5E) → ASCII and the ideographic space → space.
# CJK punctuation (，。) is left alone: it has no half-width twin in common use.
_WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_FULL_WIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")


def fold_width(text: str) -> str:
    """Map full-width letters, digits and ASCII punctuation to half-width.

    Copies of one post typed on different input methods differ only here.
    ``str.translate`` is slow on non-ASCII text (a dict lookup per character),
    so bulk callers fold code-point arrays instead
    (:func:`yuqing.analysis.dedup.minhash.fold_codes`, same mapping).
    """
    if _FULL_WIDTH_RE.search(text) is None:
        return text
    return text.translate(_WIDTH_TABLE)


def strip_urls(text: str) -> str:
    """Remove http(s)/www links and ``t.cn`` short links (they differ per copy)."""
    return _URL_RE.sub("", text)


def strip_mentions(text: str) -> str:
    """Remove ``@name`` mentions; reposters add and drop them freely."""
    return _MENTION_RE.sub("", text)


def strip_emoticons(text: str) -> str:
    """Remove bracketed Weibo emoticons such as ``[哈哈]`` or ``[doge]``."""
    return EMOTICON_RE.sub("", text)


def strip_hashtags(text: str) -> str:
    """Remove ``#topic#`` hashtags.

    A hot-search hashtag is shared by thousands of unrelated posts; left in,
    ``#全国累计确诊70548例#加油`` and ``#全国累计确诊70548例#痛心`` look like
    near-duplicates.  Matching therefore ignores hashtags (topic grouping is
    a different stage's job).
    """
    if "#" not in text:
        return text
    return HASHTAG_RE.sub("", text)


def strip_decorations(text: str) -> str:
    """Remove URLs, video cards, link words, mentions and emoticons.

    Each pattern runs only when a cheap substring test says it can match:
    most posts contain none of them, and a regex scan costs several times a
    ``in`` test.  URLs go before mentions because a URL may contain ``@``.
    """
    if "http" in text or "www." in text or "t.cn" in text:
        text = _URL_RE.sub("", text)
    if "视频" in text:
        text = _VIDEO_CARD_RE.sub("", text)
    if "链接" in text or "查看图片" in text:
        text = _LINK_WORDS_RE.sub("", text)
    if "@" in text:
        text = _MENTION_RE.sub("", text)
    if "[" in text:
        text = EMOTICON_RE.sub("", text)
    return text


def strip_truncation(text: str) -> tuple[str, bool]:
    """Remove a trailing ``…展开全文`` marker and report whether it was there.

    A truncated post is a prefix of the full text, so the flag tells a caller
    that a lower similarity to a longer post is expected.
    """
    if "全文" not in text:
        return text, False
    stripped = _TRUNCATION_RE.sub("", text)
    return stripped, stripped != text


def collapse_whitespace(text: str) -> str:
    """Collapse whitespace runs to one space and trim the ends."""
    return _SPACE_RE.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class RepostChain:
    """A post split at its ``//@name:`` repost markers.

    ``own`` is what the author wrote before the first marker; ``quoted`` the
    segments after each marker, nearest reposter first, so ``quoted[-1]`` is
    the oldest text in the chain (usually the original or closest to it);
    ``names`` the reposters quoted, in the same order.
    """

    own: str
    quoted: tuple[str, ...]
    names: tuple[str, ...]


def split_repost_chain(text: str) -> RepostChain:
    """Split ``own//@B: b//@C: c`` into own words, quoted segments and names."""
    parts = _CHAIN_RE.split(text)
    # re.split with one group yields [own, name1, seg1, name2, seg2, ...].
    return RepostChain(own=parts[0], quoted=tuple(parts[2::2]), names=tuple(parts[1::2]))


@by_fields
@dataclass(frozen=True, slots=True)
class MatchText:
    """What the near-duplicate matcher needs from one post.

    ``content`` is the comparable text: the author's own words followed by the
    quoted segments, with decorations, hashtags, width variants and *all*
    whitespace removed (Chinese needs no spaces and copies differ in them).  ``own`` is
    just the author's own words in the same form (empty for a plain repost or
    ``转发微博``); ``truncated`` says the source ended in ``…展开全文``.
    """

    content: str
    own: str
    truncated: bool


def _clean(segment: str, fold: bool) -> str:
    """Decorations and hashtags out, (width folded,) lower-cased, no whitespace."""
    segment = strip_hashtags(strip_decorations(segment))
    if fold:
        segment = fold_width(segment)
    text = "".join(segment.lower().split())
    return "" if text in BOILERPLATE_REPOSTS else text


def match_text(text: str, *, fold: bool = True) -> MatchText:
    """Normalise one post for matching (see :class:`MatchText`).

    The chain is split *before* mentions are stripped, because the
    ``//@name:`` marker is itself a mention.  ``fold=False`` leaves width
    folding to a caller that folds code points in bulk (the story index does,
    with :func:`yuqing.analysis.dedup.minhash.fold_codes`); full-width
    letters then stay upper-case, which the bulk fold lower-cases too.
    """
    body, truncated = strip_truncation(text)
    if "//" not in body:
        own = _clean(body, fold)
        return MatchText(content=own, own=own, truncated=truncated)
    chain = split_repost_chain(body)
    own = _clean(chain.own, fold)
    quoted = "".join(_clean(q, fold) for q in chain.quoted)
    return MatchText(content=own + quoted, own=own, truncated=truncated)

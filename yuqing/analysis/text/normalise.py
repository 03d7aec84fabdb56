"""One normal form of a post for the language stages (segmentation, keywords, tone, region).

What :func:`normalise` does, in order:

1. **Compatibility folding, where it is safe for Chinese.**  Characters that NFKC would change
   are replaced by their NFKC form — full-width letters and digits (``ＡＢＣ１２３`` → ``ABC123``),
   ``＃ ＠ ／`` (so hashtags and ``//@`` repost markers are found), Kangxi radicals and CJK
   compatibility ideographs (used to slip words past filters), circled numbers, ``㎡``.  Left
   alone: the punctuation Chinese is written with (``！，：；？（）～…``), which NFKC would turn
   into ASCII — it is the author's punctuation, not a variant of it — and emoji (NFKC turns
   ``🈲`` into ``禁`` and ``™`` into ``TM``).  Invisible characters are removed (zero-width
   spaces, bidi controls, soft hyphens, control characters; a zero-width joiner only between
   emoji survives); Weibo's icon-font glyphs (private use area, e.g. the super-topic mark)
   become a space.
2. Whitespace runs (including U+3000) collapse to one space; ends are trimmed.
3. Traditional → simplified (OpenCC ``t2s``), only when asked: it is pure Python and costs
   about 100 µs per post, so it runs only on texts containing a character it could change.
4. The feed's ``…展开全文`` marker is removed and flagged as ``truncated``; ``收起全文`` (the
   marker of a post shown in full) is removed but does not flag.
5. The repost chain ``own//@B: b//@C: c`` is split (:func:`.dedup.textnorm.split_repost_chain`).

The patterns (emoticons, hashtags, links, mentions, repost markers, truncation) are those of
:mod:`yuqing.analysis.dedup.textnorm`, imported rather than copied, so that "a hashtag" means
the same thing to the story matcher and to the language stages.

Never raises on any ``str``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import opencc

from yuqing.analysis.dedup.textnorm import (
    BOILERPLATE_REPOSTS,
    EMOTICON_RE,
    HASHTAG_RE,
    split_repost_chain,
    strip_decorations,
    strip_truncation,
)
from yuqing.analysis.transport import by_fields

__all__ = ["EMOJI_RE", "EMOTICON_RE", "HASHTAG_RE", "Normalised", "normalise", "normalise_many"]

# Weibo's bracketed emoticons (``[哈哈]``) and ``#话题#`` hashtags: the story matcher's
# patterns, shared so both stages see the same features.

# Emoji.  A pictograph of the supplementary planes, or a BMP symbol that is drawn as emoji by
# default (⌚ ☕ ⚡ ✅ ❌ ⭐...) or that Chinese posts use as one (❤ ♥ ☺ ✌ ☀ ❄ ✈), or any BMP
# symbol followed by VS16 (U+FE0F); then skin tones, tag sequences and ZWJ sequences; flags
# (regional-indicator pairs) and keycaps.  Bullets such as ★ ● ■ → are text, not emoji.
_SMP_PICTO = ("\U0001F004\U0001F0CF\U0001F170-\U0001F251\U0001F300-\U0001F64F"
              "\U0001F680-\U0001F6FF\U0001F7E0-\U0001F7FF\U0001F900-\U0001F9FF"
              "\U0001FA70-\U0001FAFF")
_BMP_PRESENTED = ("\u231A\u231B\u23E9-\u23EC\u23F0\u23F3\u25FD\u25FE\u2614\u2615\u2648-\u2653"
                  "\u267F\u2693\u26A1\u26AA\u26AB\u26BD\u26BE\u26C4\u26C5\u26CE\u26D4\u26EA"
                  "\u26F2\u26F3\u26F5\u26FA\u26FD\u2705\u270A\u270B\u2728\u274C\u274E"
                  "\u2753-\u2755\u2757\u2795-\u2797\u27B0\u27BF\u2B1B\u2B1C\u2B50\u2B55"
                  "\u2764\u2665\u263A\u270C\u261D\u2600\u2601\u2744\u2708\u260E")
_BMP_SYMBOLS = ("\u00A9\u00AE\u203C\u2049\u2122\u2139\u2190-\u21FF\u2300-\u23FF\u24C2"
                "\u25A0-\u25FF\u2600-\u27BF\u2900-\u297F\u2B00-\u2BFF\u3030\u303D\u3297\u3299")
_ELEMENT = (f"(?:[{_SMP_PICTO}{_BMP_PRESENTED}][\uFE0F\uFE0E]?|[{_BMP_SYMBOLS}]\uFE0F)"
            "[\U0001F3FB-\U0001F3FF]?[\U000E0020-\U000E007F]*")
#: One emoji, sequences included.
EMOJI_RE = re.compile(
    f"[\U0001F1E6-\U0001F1FF]{{2}}|[0-9#*]\uFE0F?\u20E3|{_ELEMENT}(?:\u200D{_ELEMENT})*")
#: Whether a text may hold an emoji at all (a fast BMP class; see :func:`_cleaner`).
_MAY_HAVE_EMOJI = re.compile(f"[{_BMP_PRESENTED}{_BMP_SYMBOLS}\u20E3\U00010000-\U0010FFFF]")

#: The punctuation Chinese is written with: kept as written (NFKC would make it ASCII).
_KEEP = frozenset("！，：；？（）～…")
_EMOJIISH = f"\U0001F000-\U0001FAFF{_BMP_SYMBOLS}\uFE0F"
_DROP_CHARS = ("\u00AD\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF"
               "\x00-\x08\x0E-\x1B\x7F-\x84\x86-\x9F")
_DROP = f"[{_DROP_CHARS}]|(?<![{_EMOJIISH}])\u200D|\u200D(?![{_EMOJIISH}])"
_PRIVATE_USE = "[\uE000-\uF8FF]"
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _escape(cp: int) -> str:
    return f"\\U{cp:08X}" if cp > 0xFFFF else f"\\u{cp:04X}"


@functools.cache
def _cleaner() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What step 1 changes: a quick test, and the pattern ``drop | icon | fold run``.

    The fold class is computed from this Python's Unicode database (every code point whose
    NFKC form differs, minus the kept punctuation and emoji), ~40 ms once.  The quick test is
    one character class of the BMP characters concerned plus all of the supplementary planes:
    the regex engine looks a BMP class up in a bitmap, but tests a class with many
    supplementary ranges range by range — ten times slower on every character of every post.
    """
    emoji = re.compile(f"[{_EMOJIISH}]")
    ranges: list[list[int]] = []
    for cp in range(0x30000):
        if 0xD800 <= cp <= 0xDFFF or 0xE000 <= cp <= 0xF8FF:
            continue
        char = chr(cp)
        if unicodedata.normalize("NFKC", char) == char or char in _KEEP or emoji.match(char):
            continue
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    fold = "".join(_escape(a) if a == b else f"{_escape(a)}-{_escape(b)}" for a, b in ranges)
    bmp_fold = "".join(_escape(a) if a == b else f"{_escape(a)}-{_escape(min(b, 0xFFFF))}"
                       for a, b in ranges if a <= 0xFFFF)
    quick = re.compile(f"[{bmp_fold}{_DROP_CHARS}\u200D\uE000-\uF8FF\U00010000-\U0010FFFF]")
    return quick, re.compile(f"(?P<drop>{_DROP})|(?P<icon>{_PRIVATE_USE})|[{fold}]+")


def _replace(match: re.Match[str]) -> str:
    if match.group("drop") is not None:
        return ""
    if match.group("icon") is not None:
        return " "
    return unicodedata.normalize("NFKC", match.group())


@functools.cache
def _t2s() -> tuple[re.Pattern[str], frozenset[str], opencc.OpenCC]:
    """The characters of which a text must contain one to change, and the converter.

    A text changes only where a character maps to another one, or where a phrase maps to a
    different phrase (``瞭解`` → ``了解``).  A phrase holding a character that changes by
    itself is covered by that character; for the others, the characters the phrase changes are
    added.  A text with none of these is returned as it is, without running OpenCC.  The BMP
    characters are a regex class (a bitmap look-up); the few supplementary ones (𠮷...) a set,
    consulted only for texts that have such characters (see :func:`_cleaner` on why).
    """
    folder = Path(opencc.__file__).parent / "dictionary"

    def pairs(name: str) -> list[tuple[str, str]]:
        lines = (folder / name).read_text("utf-8").splitlines()
        return [(src, dst.split(" ")[0]) for src, _, dst in (ln.partition("\t") for ln in lines)]

    triggers = {src for src, dst in pairs("TSCharacters.txt") if src != dst}
    for src, dst in pairs("TSPhrases.txt"):
        if src == dst or triggers.intersection(src):
            continue
        if len(src) != len(dst):
            triggers.update(src)
        else:
            triggers.update(a for a, b in zip(src, dst, strict=True) if a != b)
    bmp = "".join(_escape(ord(c)) for c in sorted(triggers) if c <= "\uffff")
    astral = frozenset(c for c in triggers if c > "\uffff")
    return re.compile(f"[{bmp}]"), astral, opencc.OpenCC("t2s")


_SHOW_FULL = "收起全文"


@by_fields
@dataclass(frozen=True, slots=True)
class Normalised:
    """A post in normal form.

    ``text``: the whole post, folded (see module doc), truncation marker removed.
    ``own``: the author's own words, before the first ``//@name:`` ("" for a plain repost or
    Weibo's default ``转发微博``).  ``chain``: the quoted repost segments in order, nearest
    reposter first, without the reposters' names (empty segments kept: they are plain
    reposts).  ``emoticons``, ``emoji``, ``hashtags`` (without the ``#``): in text order,
    repeats kept.  ``truncated``: the feed cut the post (``…展开全文``).

    ``content`` and ``own_content`` are what to segment: the whole post's words (own words and
    quoted segments) and the author's own words only, without links, @mentions (other people's
    user names must not become keywords or event terms), video cards, link words, emoticons
    and Weibo's default repost text.
    """

    text: str
    own: str
    chain: tuple[str, ...]
    emoticons: tuple[str, ...]
    emoji: tuple[str, ...]
    hashtags: tuple[str, ...]
    truncated: bool
    content: str
    own_content: str


def _words(segment: str) -> str:
    segment = " ".join(strip_decorations(segment).split())
    return "" if segment in BOILERPLATE_REPOSTS else segment


def normalise(text: str, *, to_simplified: bool = False) -> Normalised:
    """The normal form of one post (see the module docstring)."""
    quick, cleaner = _cleaner()
    if quick.search(text) is not None:
        text = cleaner.sub(_replace, text)
    text = " ".join(text.split())
    if to_simplified and text:
        triggers, astral, converter = _t2s()
        if triggers.search(text) or (_ASTRAL.search(text) and not astral.isdisjoint(text)):
            text = converter.convert(text)
    truncated = False
    if "全文" in text:
        stripped, marked = strip_truncation(text)
        truncated = marked and _SHOW_FULL not in text[len(stripped):]
        text = stripped.rstrip()
    if "//" in text:
        split = split_repost_chain(text)
        own = split.own.strip()
        chain = tuple(segment.strip() for segment in split.quoted)
        own_content = _words(own)
        content = " ".join(w for w in (own_content, *map(_words, chain)) if w)
    else:
        own, chain = text, ()
        own_content = content = _words(text)
    if own in BOILERPLATE_REPOSTS:
        own = ""
    return Normalised(
        text=text,
        own=own,
        chain=chain,
        emoticons=tuple(EMOTICON_RE.findall(text)) if "[" in text else (),
        emoji=tuple(EMOJI_RE.findall(text)) if _MAY_HAVE_EMOJI.search(text) else (),
        hashtags=tuple(h for h in (t[1:-1].strip() for t in HASHTAG_RE.findall(text)) if h)
        if "#" in text else (),
        truncated=truncated,
        content=content,
        own_content=own_content,
    )


def normalise_many(texts: Iterable[str], *, to_simplified: bool = False) -> list[Normalised]:
    """:func:`normalise` for each text."""
    return [normalise(t, to_simplified=to_simplified) for t in texts]

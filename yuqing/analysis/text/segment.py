"""Word segmentation: rjieba (jieba's algorithm in Rust) with a per-deployment user dictionary.

A district office needs its own names cut whole — 龙华区民政局, a community called 幸福里社区
— or they never become keywords or event terms.  rjieba's dictionary is *not* process-global:
each ``rjieba.Jieba()`` owns one (~25 MB, ~0.1 s to build), so every :class:`Segmenter` gets a
private dictionary with its user words and nothing else in the process (``rjieba.cut`` used by
the tone features, say) sees or changes it.  Segmenters with the same user words share one
dictionary (built once per process, :func:`_dictionary`), so making one per batch costs nothing.

Weibo emoticons (``[哈哈]``) are kept as single tokens — rjieba would cut them into ``[``,
``哈哈``, ``]`` — and whitespace tokens are dropped.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

import rjieba

from .normalise import EMOTICON_RE

__all__ = ["Segmenter", "UserWord", "load_user_dictionary"]

#: A user-dictionary entry: a word, or a word and its frequency (higher: kept whole more
#: eagerly; without one, the frequency that makes the word be cut whole is used).
UserWord = str | tuple[str, int]


def load_user_dictionary(path: str | Path) -> list[UserWord]:
    """Read a user dictionary in jieba's format: ``word [freq] [tag]`` per line.

    Blank lines are skipped; the part-of-speech tag is accepted and ignored (segmentation
    does not tag).  A malformed line is an error naming the file and line, because a silently
    skipped line is a name the office expects to be recognised and is not.
    """
    words: list[UserWord] = []
    text = Path(path).read_text(encoding="utf-8").removeprefix("\ufeff")
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        word, rest = parts[0], parts[1:]
        if rest and rest[0].isdigit():
            words.append((word, int(rest[0])))
            rest = rest[1:]
        else:
            words.append(word)
        if len(rest) > 1 or (rest and not rest[0].isalpha()):
            raise ValueError(f"{path}:{number}: expected 'word [freq] [tag]', got {line!r}")
    return words


def _canonical(user_words: Iterable[UserWord]) -> tuple[tuple[str, int | None], ...]:
    """Entries as (word, freq or None), blank words dropped, the last entry of a word winning."""
    entries: dict[str, int | None] = {}
    for entry in user_words:
        word, freq = (entry, None) if isinstance(entry, str) else entry
        word = word.strip()
        if word:
            entries[word] = freq
    return tuple(entries.items())


@functools.lru_cache(maxsize=4)
def _dictionary(entries: tuple[tuple[str, int | None], ...]) -> rjieba.Jieba:
    jieba = rjieba.Jieba()
    for word, freq in entries:
        jieba.add_word(word, freq, None)
    return jieba


def _encodable(text: str) -> str:
    """``text`` with unpaired surrogates replaced: Rust strings cannot hold them."""
    return text.encode("utf-8", "replace").decode("utf-8")


class Segmenter:
    """Cuts texts into words with rjieba and the given user words (see module doc)."""

    def __init__(self, user_words: Iterable[UserWord] = ()) -> None:
        entries = _canonical(user_words)
        #: The user words this segmenter keeps whole, in the order given.
        self.user_words: tuple[str, ...] = tuple(word for word, _ in entries)
        self._cut = _dictionary(entries).cut

    def _words(self, text: str) -> list[str]:
        try:
            words = self._cut(text)
        except UnicodeEncodeError:
            words = self._cut(_encodable(text))
        return [w for w in words if not w.isspace()]

    def cut(self, text: str) -> list[str]:
        """The words of ``text``, emoticons whole, no whitespace tokens."""
        if "[" not in text:
            return self._words(text)
        words: list[str] = []
        position = 0
        for match in EMOTICON_RE.finditer(text):
            if match.start() > position:
                words.extend(self._words(text[position:match.start()]))
            words.append(match.group())
            position = match.end()
        if position < len(text):
            words.extend(self._words(text[position:]))
        return words

    def cut_many(self, texts: Iterable[str]) -> list[list[str]]:
        """:meth:`cut` for each text."""
        cut = self.cut
        return [cut(t) for t in texts]

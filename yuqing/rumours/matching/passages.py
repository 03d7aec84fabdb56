"""The passages an item shares with a claim, as offsets into both, for side-by-side display.

Computed once per match (a few per batch), when it is found, with :mod:`difflib`: its matcher
finds the longest common run first and recurses on both sides, so the longest shared passage
is always found and the passages come out in the same order in both texts. Runs shorter than
two word characters are noise (a shared 的 or comma) and are dropped. Texts are compared folded
character for character (full-width ASCII, upper case), so offsets stay valid in the originals.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

#: Shortest passage shown, in word characters.
MIN_PASSAGE = 2
_FOLD = str.maketrans({**{chr(c): chr(c - 0xFEE0).lower() for c in range(0xFF01, 0xFF5F)},
                       **{chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}})
_WORD = re.compile(r"\w")


def item_content(title: str, text: str) -> str:
    """What an item says, as the analysis pipeline reads it (``Record.content``): passages are
    offsets into this string."""
    if title and text and not text.startswith(title):
        return f"{title}\n{text}"
    return text or title


def find_passages(content: str, wording: str) -> list[list[int]]:
    """``[content_start, content_end, wording_start, wording_end]`` of each shared passage."""
    matcher = SequenceMatcher(None, content.translate(_FOLD), wording.translate(_FOLD),
                              autojunk=False)
    found = []
    for start, other, size in matcher.get_matching_blocks():
        if size and len(_WORD.findall(wording[other:other + size])) >= MIN_PASSAGE:
            found.append([start, start + size, other, other + size])
    return found


"""Fitting a message into a channel's size limit.

Chat robots refuse (not truncate) a message over their limit, and the limits are in UTF-8
bytes of one field or of the whole request, so each channel renders its payload through a
function of the body and :func:`fit` finds the longest body, cut at a character boundary and
ended with an ellipsis, whose rendering still fits. The title and the link are rendered in
full: the link back into yuqing is the one part a reader must always get.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.utils.translation import gettext as _

ELLIPSIS = "…"
#: Longest title any channel gets (email subjects, chat headings).
TITLE_CHARS = 200


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def json_len(text: str) -> int:
    """Bytes ``text`` takes as a JSON string (escapes included, quotes not)."""
    return utf8_len(json.dumps(text, ensure_ascii=False)) - 2


def cut(text: str, limit: int, measure: Callable[[str], int] = len) -> str:
    """``text`` if it fits ``limit``, else its longest prefix that fits with an ellipsis."""
    if measure(text) <= limit:
        return text
    return fit(lambda body: body, text, limit, measure)


def fit(render: Callable[[str], str], body: str, limit: int,
        measure: Callable[[str], int] = utf8_len) -> str:
    """``render(body)``, with ``body`` cut as little as needed for the result to fit.

    ``measure(render(prefix))`` grows with the prefix, so a binary search over the cut point
    needs O(log n) renderings. If even an empty body does not fit, the rendering without a
    body is returned: the caller's fixed parts were meant to fit and are kept whole.
    """
    whole = render(body)
    if measure(whole) <= limit:
        return whole
    low, high = 0, len(body)  # the longest fitting prefix length lies in [low, high)
    while low < high - 1:
        middle = (low + high) // 2
        if measure(render(_ended(body, middle))) <= limit:
            low = middle
        else:
            high = middle
    if low == 0 and measure(render(ELLIPSIS)) > limit:
        return render("")
    return render(_ended(body, low))


def _ended(body: str, length: int) -> str:
    return body[:length].rstrip() + ELLIPSIS


def headline(title: str) -> str:
    """The title as chat and email show it: one line, cut to a sane length. (Callers put
    the severity in their titles; a channel does not add it again.)"""
    return cut(" ".join(title.split()), TITLE_CHARS)


def defang_markdown(text: str) -> str:
    """Collected text shown in a chat's Markdown must not become links, images or tags: a
    post could otherwise plant a convincing link in an office's alert group. The brackets are
    swapped for their full-width forms, which read the same in Chinese text."""
    return text.translate(_DEFANG)


_DEFANG = str.maketrans({"[": "［", "]": "］", "<": "＜", ">": "＞", "!": "！", "`": "｀"})


def link_label() -> str:
    return _("Open in yuqing")

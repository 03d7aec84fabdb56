"""What of a claim is compared: the claim without the words that only say it is a rumour.

Debunk platforms title their entries "网传X？", "X？不可信", "X系谣言", "这些谣言别信": the
question mark, the hedges and the verdict words are not part of what people repeat, and a post
that contains "谣言" is no closer to a claim for it. They are cut before the n-grams are taken,
so the weight of a claim lies in what it asserts. Display and highlighting use the claim as
written.
"""

from __future__ import annotations

import re

#: Verdict and hedge words of debunk titles (longest first, so 纯属谣言 goes before 谣言).
CUES = ("纯属谣言", "系谣言", "是谣言", "不可信", "是真的吗", "真的吗", "是真的", "谣言",
        "辟谣", "不实", "别信", "假的", "网传", "传言", "澄清", "真相", "速看", "注意")
_CUE_RE = re.compile("|".join(map(re.escape, CUES)))
#: A question's tail: final particles and punctuation.
_TAIL_RE = re.compile(r"[吗呢吧么]?[\s？?！!。.…～~]*$")


def matching_form(text: str) -> str:
    """``text`` with verdict words and the question tail replaced by a space."""
    return _TAIL_RE.sub("", _CUE_RE.sub(" ", text)).strip()

#: Words with which a post refutes what it quotes (a debunk being shared, an official
#: clarification). "谣言" alone is not enough: a rumour is often passed on as "这不是谣言".
REFUTATION = ("辟谣", "系谣言", "是谣言", "纯属谣言", "不实", "假的", "不可信", "信不得", "别信",
              "勿信", "不要信", "不信谣", "澄清", "并非事实", "纯属虚构", "假消息", "不属实",
              "系误读", "没有这回事", "谣传", "误读", "误传")
_REFUTATION_RE = re.compile("|".join(map(re.escape, REFUTATION)))


def refutes(text: str) -> bool:
    """Whether ``text`` reads as a refutation of what it quotes rather than a retelling."""
    return _REFUTATION_RE.search(text) is not None

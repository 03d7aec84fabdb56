"""Fitting messages into channel limits: never over, cut at a character, link kept."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from yuqing.notify.text import ELLIPSIS, cut, defang_markdown, fit, headline, json_len, utf8_len

URL = "https://yuqing.example.gov.cn/alerts/42/"


def _render(body: str) -> str:
    return f"### 标题\n{body}\n[查看]({URL})"


def test_short_text_is_left_alone() -> None:
    assert cut("滨江区", 10) == "滨江区"
    assert fit(_render, "正文", 4096) == _render("正文")


def test_long_body_is_cut_with_an_ellipsis_and_the_link_kept() -> None:
    body = "东湖路段夜间施工噪音扰民，" * 400  # 5,200 characters, 15,600 bytes
    out = fit(_render, body, 2048)
    assert utf8_len(out) <= 2048
    assert out.endswith(f"{ELLIPSIS}\n[查看]({URL})")
    kept = out.removeprefix("### 标题\n").partition(ELLIPSIS)[0]
    assert body.startswith(kept)
    assert utf8_len(out) > 2048 - 10  # cut as little as needed (a character is 3 bytes)


def test_cut_counts_the_measure_it_is_given() -> None:
    assert cut("一二三四五", 3) == "一二…"
    assert cut("一二三四五", 9, utf8_len) == "一二…"
    assert json_len('a"\n') == 5


def test_when_nothing_of_the_body_fits_the_fixed_parts_are_kept() -> None:
    assert fit(_render, "正文" * 100, utf8_len(_render(""))) == _render("")


def test_headline_is_one_line_of_at_most_200_characters() -> None:
    title = headline("第一行\n第二行  " + "长" * 300)
    assert "\n" not in title and len(title) == 200 and title.startswith("第一行 第二行 长")


def test_defanged_markdown_cannot_make_links() -> None:
    assert (defang_markdown("[点击](https://evil.example) <b>!")
            == "［点击］(https://evil.example) ＜b＞！")


@given(st.text(max_size=3000), st.integers(min_value=0, max_value=3000))
def test_fit_never_exceeds_the_limit_and_keeps_a_prefix(body: str, budget: int) -> None:
    fixed = utf8_len(json.dumps(_render(""), ensure_ascii=False))
    limit = fixed + budget

    def measure(text: str) -> int:
        return utf8_len(json.dumps(text, ensure_ascii=False))

    out = fit(_render, body, limit, measure)
    assert measure(out) <= limit
    assert out.endswith(f"[查看]({URL})")
    middle = out.removeprefix("### 标题\n").removesuffix(f"\n[查看]({URL})")
    if middle != body:
        assert middle == "" or (middle.endswith(ELLIPSIS)
                                and body.startswith(middle.removesuffix(ELLIPSIS)))

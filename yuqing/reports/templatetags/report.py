"""Tags of report templates (built into their engine, see :mod:`yuqing.reports.documents`).

``{% chart "key" "caption" %}`` places a chart; ``{{ post|cite }}`` the link to the item a
statement comes from; ``{{ n|zh_number }}`` writes a number in Chinese (（一）, 二、);
``{% draft event %}`` the paragraph a model drafted about an event, if any, with its mark.

Charts are referenced as ``chart:key`` and resolved by each format: embedded images in HTML,
fetched from memory by WeasyPrint, pictures in DOCX.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def chart(context: template.Context, key: str, caption: str = "") -> SafeString:
    """The chart ``key`` of the report with ``caption`` (else its title); nothing when the
    report has no such chart or nothing to draw in it."""
    spec = (context.get("charts") or {}).get(key)
    if spec is None or spec.empty:
        return SafeString("")
    caption = caption or spec.title
    return format_html('<figure class="chart"><img src="chart:{}" alt="{}">'
                       "<figcaption>{}</figcaption></figure>", key, caption, caption)


@register.filter
def cite(value: Any) -> SafeString:
    """``[#123]`` linking to the item a post or quote comes from."""
    item_id = getattr(value, "item_id", None)
    url = getattr(value, "url", "")
    if item_id is None or not url:
        return SafeString("")
    return format_html('<a class="cite" href="{}">[#{}]</a>', url, item_id)


@register.simple_tag
def draft(part: Any) -> SafeString:
    """The paragraph a model drafted about an event part (:mod:`yuqing.reports.draft`), each
    sentence citing its items; nothing when there is none. The mark naming the model comes
    with it, so no template can show a drafted text as the report's own."""
    drafted = getattr(part, "draft", None)
    if drafted is None:
        return SafeString("")
    sentences = format_html_join("", "{}{}{}", (
        (s.text, SafeString("".join(cite(source) for source in s.sources)), s.end)
        for s in drafted.sentences))
    mark = _("[Drafted by model %(model)s, for reference only]") % {"model": drafted.model}
    return format_html('<p class="draft"><strong>{}</strong>{}</p>', mark, sentences)


_DIGITS = "零一二三四五六七八九"


@register.filter
def zh_number(value: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (section and item numbers of a Chinese document)."""
    n = int(value)
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return ((_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "")
            + (_DIGITS[ones] if ones else ""))

"""Template filters for showing collected (untrusted) data."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def http_url(value: str) -> str:
    """The URL if it is http(s), else "" — so a ``javascript:`` or ``data:`` URL in collected
    data is shown as text and never becomes a link."""
    url = (value or "").strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in {"http", "https"} and "//" in url else ""


@register.filter
def pretty_json(value: Any) -> str:
    """Indented JSON with Chinese kept readable; the template still escapes the result."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


@register.filter
def compact_json(value: Any) -> str:
    """One-line JSON, for a summary that expands into :func:`pretty_json`."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

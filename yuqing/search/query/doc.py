"""What a query is matched against: the searchable fields of one item, as plain strings."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Doc"]


@dataclass(frozen=True, slots=True)
class Doc:
    """One item's fields, named as in queries (see :mod:`.fields`).

    ``tier`` is the credibility tier's code, ``tone`` the canonical tone label
    (``negative``/``neutral``/``positive``) or ``""`` when not yet classified.
    """

    title: str = ""
    text: str = ""
    platform: str = ""
    tier: str = ""
    region: str = ""
    tone: str = ""

"""The navigation menu, assembled from entries that each capability registers.

An entry appears only for users whose role holds its permission; the views check the same
permission again, so the menu is a convenience and never the enforcement.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    permission: str
    order: int


_ENTRIES: list[NavEntry] = []


def register(entry: NavEntry) -> None:
    if any(e.url_name == entry.url_name for e in _ENTRIES):
        return
    _ENTRIES.append(entry)
    _ENTRIES.sort(key=lambda e: e.order)


def entries() -> list[NavEntry]:
    return list(_ENTRIES)

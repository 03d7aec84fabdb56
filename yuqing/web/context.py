"""Template context for every page: the navigation entries the current user may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from yuqing.web.nav import NavEntry, entries


def _namespace(url_name: str) -> str:
    return url_name.rpartition(":")[0]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": [], "nav_active": ""}
    visible = [e for e in entries() if user.has_role_perm(e.permission)]
    match = getattr(request, "resolver_match", None)
    active = _active(visible, match.view_name, match.namespace, request.path) if match else ""
    return {"nav_entries": visible, "nav_active": active}


def _active(visible: list[NavEntry], view_name: str, namespace: str, path: str) -> str:
    """The entry of the page itself; else, so that an entry stays highlighted on its app's
    other pages (an item's detail under "Items"), the entry of the page's namespace whose
    address starts the page's address the longest way (/reports/templates/ is under
    "Reports" at /reports/, not under "Dashboard" at /reports/dashboard/)."""
    for entry in visible:
        if entry.url_name == view_name:
            return entry.url_name
    same = [e for e in visible if _namespace(e.url_name) and _namespace(e.url_name) == namespace]
    if not same:
        return ""
    starts = [(len(url), e.url_name) for e in same if path.startswith(url := reverse(e.url_name))]
    return max(starts)[1] if starts else same[0].url_name

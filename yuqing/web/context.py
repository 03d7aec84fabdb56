"""Template context for every page: the navigation entries the current user may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from yuqing.web.nav import entries


def _namespace(url_name: str) -> str:
    return url_name.rpartition(":")[0]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": [], "nav_active": ""}
    visible = [e for e in entries() if user.has_role_perm(e.permission)]
    # An entry stays highlighted on its app's other pages (an item's detail under "Items").
    match = getattr(request, "resolver_match", None)
    active = ""
    if match is not None:
        for entry in visible:
            if entry.url_name == match.view_name or (
                    _namespace(entry.url_name) and _namespace(entry.url_name) == match.namespace):
                active = entry.url_name
                break
    return {"nav_entries": visible, "nav_active": active}

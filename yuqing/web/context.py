from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from yuqing.web.nav import entries


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": []}
    return {"nav_entries": [e for e in entries() if user.has_role_perm(e.permission)]}

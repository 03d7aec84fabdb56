"""The permission check every web view carries.

Menus only hide what a role cannot use; this decorator is the enforcement, so that a URL typed
by hand is refused (403) exactly like one reached through the navigation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from yuqing.orgs.roles import PERMISSIONS

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]


def require_perm(perm: str) -> Callable[[View[P]], View[P]]:
    """Login required (redirect to the login page), then ``perm`` required (403)."""
    if perm not in PERMISSIONS:  # a typo would otherwise only surface on the first request
        raise KeyError(f"unknown permission {perm!r}")

    def decorator(view: View[P]) -> View[P]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if not request.user.has_role_perm(perm):  # type: ignore[union-attr]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator

"""The API's views. Each answers JSON only, whatever happens, so that no error page in HTML
(which could render hostile collected text) is ever served under ``/api/``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from yuqing.collect.api import openapi
from yuqing.collect.api.errors import ApiError, json_response
from yuqing.collect.api.push import push
from yuqing.collect.api.request import authenticate, parse_batch, read_body, require_json

logger = logging.getLogger(__name__)

View = Callable[[HttpRequest], HttpResponse]


def api_view(*methods: str) -> Callable[[View], View]:
    """JSON errors for wrong methods, :class:`ApiError` and anything unexpected.

    CSRF-exempt: the API authenticates by token, never by cookie, so there is no ambient
    credential for a cross-site request to abuse.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise ApiError(405, "method_not_allowed",
                                   f"Use {' or '.join(methods)} here.",
                                   headers={"Allow": ", ".join(methods)})
                return view(request)
            except ApiError as exc:
                return exc.response()
            except Exception:
                logger.exception("API request failed: %s %s", request.method, request.path)
                return ApiError(500, "internal_error",
                                "The server failed; the batch can safely be sent again.").response()

        return csrf_exempt(wrapper)

    return decorate


@api_view("POST")
def items(request: HttpRequest) -> HttpResponse:
    token = authenticate(request)
    require_json(request)
    body = read_body(request, settings.YUQING_API_MAX_BYTES)
    return json_response(push(token, parse_batch(body, settings.YUQING_API_MAX_ITEMS)))


@api_view("GET", "HEAD")
def openapi_json(request: HttpRequest) -> HttpResponse:
    return json_response(openapi.build())


@api_view("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
def not_found(request: HttpRequest) -> HttpResponse:
    raise ApiError(404, "not_found", "No such API endpoint.")

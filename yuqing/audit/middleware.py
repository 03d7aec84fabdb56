"""Opens an audit context per web request so that all its writes share one request id."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from yuqing.audit.context import acting


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        # The API authenticates by token inside the view, which then re-opens a context.
        with acting(channel, getattr(request, "user", None)) as ctx:
            response = self.get_response(request)
        response["X-Request-Id"] = str(ctx.request_id)
        return response

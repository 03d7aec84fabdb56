"""Pages whose results part HTMX can refresh in place.

A filter form sends ``HX-Request``; the view then answers with the results fragment only.
Without JavaScript (or on a history restore, which needs the whole page) the same URL
returns the full page, so every list works with and without HTMX and every state has a URL.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def is_partial(request: HttpRequest) -> bool:
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def render_results(request: HttpRequest, page_template: str, results_template: str,
                   context: dict[str, Any]) -> HttpResponse:
    """The full page, or just the results fragment for an HTMX request."""
    template = results_template if is_partial(request) else page_template
    response = render(request, template, context)
    # The same URL answers with a fragment or a page; caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response

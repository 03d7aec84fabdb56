"""JSON responses and the one exception type the API turns into an error response.

Every answer, error or not, is JSON with ``nosniff``: what we echo back (field names, reasons)
may come from hostile collected text, and must never be rendered as HTML by a browser.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from django.http import HttpResponse
from pydantic import BaseModel

from yuqing.collect.api.schemas import ErrorBody, ErrorDetail, ErrorResponse

#: Escaped even inside JSON strings, so no byte sequence like ``<script>`` is ever sent back.
_HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def json_response(payload: BaseModel | Mapping[str, object], status: int = 200,
                  headers: Mapping[str, str] | None = None) -> HttpResponse:
    data = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
    # ASCII-only output: an unpaired surrogate echoed from input cannot break the encoding.
    body = json.dumps(data, separators=(",", ":")).translate(_HTML_SAFE)
    response = HttpResponse(body.encode("ascii"), status=status,
                            content_type="application/json")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class ApiError(Exception):
    """Raised anywhere below a view; the view answers with it and writes nothing."""

    def __init__(self, status: int, code: str, message: str,
                 details: Sequence[ErrorDetail] = (),
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = list(details)
        self.headers = dict(headers or {})

    def response(self) -> HttpResponse:
        body = ErrorResponse(error=ErrorBody(code=self.code, message=self.message,
                                             details=self.details))
        return json_response(body, self.status, self.headers)

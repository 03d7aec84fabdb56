"""From an HTTP request to a list of not-yet-validated items, refusing anything doubtful early.

The checks run cheapest first and before the body is read where they can — token, content
type, declared length — so an unauthenticated or oversized request costs almost nothing.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn, Protocol

from django.http import HttpRequest
from django.utils import timezone

from yuqing.collect.api.errors import ApiError
from yuqing.collect.api.schemas import ErrorDetail
from yuqing.collect.models import ApiToken

_CHUNK = 64 * 1024
_BEARER_REALM = 'Bearer realm="yuqing"'


class Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


def authenticate(request: HttpRequest) -> ApiToken:
    """The token named by ``Authorization: Bearer …``; records that it was used."""
    header = request.headers.get("Authorization", "")
    if not header:
        raise ApiError(401, "missing_token",
                       "Send the source's API token as 'Authorization: Bearer <token>'.",
                       headers={"WWW-Authenticate": _BEARER_REALM})
    scheme, _, secret = header.partition(" ")
    token = ApiToken.lookup(secret.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        raise ApiError(401, "invalid_token",
                       "The token is malformed, unknown or revoked, or its source is disabled.",
                       headers={"WWW-Authenticate": f'{_BEARER_REALM}, error="invalid_token"'})
    # A queryset update: no save signal, so no audit entry per request for a timestamp.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def require_json(request: HttpRequest) -> None:
    content_type = (request.content_type or "").lower()
    charset = (request.content_params or {}).get("charset", "utf-8").lower()
    if content_type != "application/json" or charset not in ("utf-8", "utf8"):
        raise ApiError(415, "unsupported_media_type",
                       "Send the body as 'Content-Type: application/json' in UTF-8.")


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "body_too_large", f"The body exceeds {limit} bytes.",
                    [ErrorDetail(message=f"at most {limit} bytes", type="body_too_large")])


def read_body(request: HttpRequest, limit: int) -> bytes:
    """The body, refused unread when its declared length is over ``limit``."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit():
        raise ApiError(400, "invalid_content_length", "Content-Length is not a number.")
    if int(declared) > limit:
        raise _too_large(limit)
    return read_limited(request, limit)


def read_limited(stream: Readable, limit: int) -> bytes:
    """Read to the end, but never more than ``limit`` bytes: the declared length may lie."""
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(min(_CHUNK, limit + 1 - size)):
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def _invalid_json(message: str, kind: str) -> ApiError:
    return ApiError(400, "invalid_json", message, [ErrorDetail(message=message, type=kind)])


def _invalid_body(status: int, message: str, kind: str, path: list[str | int]) -> ApiError:
    return ApiError(status, "invalid_body", message,
                    [ErrorDetail(path=path, message=message, type=kind)])


def parse_batch(body: bytes, max_items: int) -> list[Any]:
    """The ``items`` list of a ``{"items": [...]}`` body, still unvalidated one by one."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _invalid_json(f"The body is not valid UTF-8 (byte {exc.start}).",
                            "invalid_utf8") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise _invalid_json(f"Malformed JSON: {exc.msg} at line {exc.lineno} column "
                            f"{exc.colno} (character {exc.pos}).", "json_syntax") from None
    except ValueError as exc:  # NaN / Infinity, which no database JSON type accepts
        raise _invalid_json(f"Malformed JSON: {exc}.", "json_syntax") from None
    except RecursionError:
        raise _invalid_json("Malformed JSON: nested too deeply.", "json_depth") from None
    if not isinstance(data, dict):
        raise _invalid_body(400, 'The body must be a JSON object: {"items": [...]}.',
                            "object_type", [])
    for key in data:
        if key != "items":
            raise _invalid_body(422, "Unknown top-level field; only 'items' is allowed.",
                                "extra_forbidden", [key])
    if "items" not in data:
        raise _invalid_body(422, "The field 'items' is missing.", "missing", ["items"])
    items = data["items"]
    if not isinstance(items, list):
        raise _invalid_body(422, "'items' must be a list.", "list_type", ["items"])
    if not items:
        raise ApiError(422, "empty_batch", "'items' is empty: send at least one item.")
    if len(items) > max_items:
        raise ApiError(413, "batch_too_large",
                       f"{len(items)} items; at most {max_items} are accepted per request.",
                       [ErrorDetail(path=["items"], type="batch_too_large",
                                    message=f"at most {max_items} items")])
    return items

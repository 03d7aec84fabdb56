"""The push API's wire format, as pydantic models.

These models are both the validator and the documentation: the OpenAPI description is
generated from them, so what is documented is what is enforced. Items are validated strictly —
``"12"`` is not a number and an unknown field is an error — because a silently coerced or
ignored field in a crawler's output is a bug the sender wants to hear about.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.db import models
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
)
from pydantic_core import PydanticCustomError

from yuqing.collect.models import Item, ItemKind, Platform

#: Deeper ``raw`` payloads are refused: nothing legitimate nests this far, and recursive
#: processing further down (scrubbing, JSON encoding) must stay well inside Python's stack.
RAW_MAX_DEPTH = 32
#: PositiveBigIntegerField's ceiling; a larger count would fail in the database instead.
COUNT_MAX = 2**63 - 1


def _storable(value: str) -> str:
    """Refuse strings no database can store: NUL (PostgreSQL) and lone surrogates (UTF-8)."""
    if "\x00" in value:
        raise PydanticCustomError("string_nul", "String must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("string_unicode",
                                  "String must not contain unpaired surrogates") from None
    return value


def _check_raw(value: Any, depth: int = 0) -> None:
    if depth > RAW_MAX_DEPTH:
        raise PydanticCustomError("raw_too_deep", "Nested deeper than {max_depth} levels",
                                  {"max_depth": RAW_MAX_DEPTH})
    if isinstance(value, str):
        _storable(value)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _storable(key)
            _check_raw(inner, depth + 1)
    elif isinstance(value, list):
        for inner in value:
            _check_raw(inner, depth + 1)


def _raw(value: dict[str, Any]) -> dict[str, Any]:
    _check_raw(value)
    return value


def _iso_string(value: Any) -> Any:
    """Only strings may become times: pydantic would otherwise read numbers as Unix times."""
    if not isinstance(value, str):
        raise PydanticCustomError("datetime_type",
                                  "Input should be an ISO 8601 date-time string")
    return value


def _max_length(name: str) -> int | None:
    """The database column's limit: one source of truth for storage and documentation."""
    field = Item._meta.get_field(name)
    return field.max_length if isinstance(field, models.Field) else None


def _text(field: str | None = None, description: str = "") -> Any:
    """A string field, bounded by the model field's length where it has one."""
    return Field(default="", max_length=_max_length(field) if field else None,
                 description=description)


Text = Annotated[str, AfterValidator(_storable)]
Count = Annotated[int, Field(ge=0, le=COUNT_MAX)]
IsoDateTime = Annotated[datetime, Strict(False), BeforeValidator(_iso_string)]


class PushItem(BaseModel):
    """One post or comment as a collector sends it."""

    model_config = ConfigDict(strict=True, extra="forbid", title="PushItem")

    platform: Annotated[Platform, Strict(False)] = Field(
        description="Platform the item was collected from.")
    kind: Annotated[ItemKind, Strict(False)] = Field(
        default=ItemKind.POST, description="A post/article, or a comment on one.")
    external_id: Text = _text("external_id", "The platform's id of the item. With it, "
                              "re-sending the item updates it; without it the URL, and "
                              "failing that the content, identifies the item.")
    url: Text = _text("url", "Link to the item.")
    title: Text = _text("title", "Title (articles); title or text is required.")
    text: Text = _text(description="Body text; title or text is required.")
    published_at: IsoDateTime | None = Field(
        default=None, description="ISO 8601 date-time. A time without offset is read in the "
                                  "server's time zone (YUQING_TIME_ZONE).")
    likes: Count | None = None
    reposts: Count | None = None
    comments: Count | None = None
    views: Count | None = None
    parent_external_id: Text = _text(
        "external_id", "For comments (required there): external id of the item commented on. "
                       "The parent may arrive in a later batch.")
    parent_kind: Annotated[ItemKind, Strict(False)] = Field(
        default=ItemKind.POST, description="Kind of the parent (a reply to a comment: comment).")
    region: Text = _text("region", "Region; defaults to the source's region.")
    language: Text = Field(default="zh", max_length=_max_length("language"))
    author_id: Text = Field(default="", description=(
        "The author's platform id. Never stored: replaced by a keyed hash."))
    author_name: Text = Field(default="", description=(
        "The author's display name. Never stored: replaced by a masked form."))
    raw: Annotated[dict[str, Any], AfterValidator(_raw)] = Field(
        default_factory=dict, description="The original record, for reference. Author-"
                                          "identifying keys (user_id, nickname, …) are removed.")


Status = Literal["inserted", "updated", "unchanged"]


class ItemResult(BaseModel):
    index: int = Field(description="Position of the item in the request's `items`.")
    status: Status = Field(description=(
        "What the batch did to the stored item. Items repeated within one batch (same natural "
        "key) are stored once, the last copy winning, and every copy reports that outcome."))
    id: int = Field(description="Id of the stored item.")
    natural_key: str = Field(description="The key that identifies the item across pushes.")


class PushResponse(BaseModel):
    """Counts are of distinct stored items; ``items`` has one result per request item."""

    inserted: int
    updated: int
    unchanged: int
    items: list[ItemResult] = Field(description="One result per item, in request order.")


class ErrorDetail(BaseModel):
    index: int | None = Field(default=None,
                              description="Position of the offending item, if it is one.")
    path: list[str | int] = Field(
        default_factory=list, description="Field path within the item (or the body).")
    message: str
    type: str = Field(description="Machine-readable kind of problem.")


class ErrorBody(BaseModel):
    code: str = Field(description="Machine-readable error code, e.g. `invalid_items`.")
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    error: ErrorBody

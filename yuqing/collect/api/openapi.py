"""The OpenAPI 3.1 description, generated from the same pydantic models that validate.

Built per request because the documented limits are settings; the model schemas themselves
are computed once.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from pydantic.json_schema import models_json_schema

from yuqing.collect.api.schemas import ErrorResponse, PushItem, PushResponse

_REF = "#/components/schemas/{model}"


@cache
def _component_schemas() -> dict[str, Any]:
    _, top = models_json_schema(
        [(PushItem, "validation"), (PushResponse, "serialization"),
         (ErrorResponse, "serialization")],
        ref_template=_REF,
    )
    schemas: dict[str, Any] = top["$defs"]
    return schemas


def _json(schema_ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": _REF.format(model=schema_ref)}}}


def _error(description: str, **extra: Any) -> dict[str, Any]:
    return {"description": description, "content": _json("ErrorResponse"), **extra}


def build() -> dict[str, Any]:
    max_items: int = settings.YUQING_API_MAX_ITEMS
    max_bytes: int = settings.YUQING_API_MAX_BYTES
    schemas = {
        **_component_schemas(),
        "PushRequest": {
            "type": "object",
            "required": ["items"],
            "additionalProperties": False,
            "properties": {"items": {
                "type": "array", "minItems": 1, "maxItems": max_items,
                "items": {"$ref": _REF.format(model="PushItem")},
            }},
        },
    }
    unauthorized = _error(
        "Token missing, unknown or revoked, or its source disabled (code `missing_token` or "
        "`invalid_token`).",
        headers={"WWW-Authenticate": {"schema": {"type": "string"},
                                      "description": 'Bearer realm="yuqing"'}},
    )
    push = {
        "operationId": "pushItems",
        "summary": "Store a batch of items for the token's source",
        "description": (
            f"At most {max_items} items and {max_bytes} bytes per request. All or nothing: "
            "if any item is invalid the answer is 422 with one entry per problem and nothing "
            "is stored. Every write is an upsert on the item's natural key, so resending a "
            "batch is safe and answers `unchanged`. Items are stored under the token's source "
            "and its unit. Author ids and names are pseudonymised before storage."
        ),
        "security": [{"bearer": []}],
        "requestBody": {"required": True, "content": _json("PushRequest")},
        "responses": {
            "200": {"description": "Stored; one result per item, in request order.",
                    "content": _json("PushResponse")},
            "400": _error("Malformed JSON (`invalid_json`, with line and column) or the body "
                          "is not an object (`invalid_body`)."),
            "401": unauthorized,
            "405": _error("Method not allowed (`method_not_allowed`)."),
            "413": _error(f"More than {max_items} items (`batch_too_large`) or more than "
                          f"{max_bytes} bytes (`body_too_large`)."),
            "415": _error("Content-Type is not application/json in UTF-8 "
                          "(`unsupported_media_type`)."),
            "422": _error("`items` missing or not a list (`invalid_body`), empty "
                          "(`empty_batch`), or invalid items (`invalid_items`; each detail "
                          "has the item's index and field path)."),
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "yuqing push API", "version": "1",
                 "description": "Push collected posts and comments into yuqing."},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/items": {"post": push},
            "/openapi.json": {"get": {
                "operationId": "openapi",
                "summary": "This description",
                "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1 document",
                                      "content": {"application/json": {}}}},
            }},
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "Per-source token from `yuqing token create`.",
            }},
        },
    }

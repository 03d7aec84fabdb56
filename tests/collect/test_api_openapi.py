"""The served OpenAPI description is valid 3.1 and documents the limits actually enforced."""

from __future__ import annotations

from typing import Any

from django.test import Client
from openapi_spec_validator import validate


def test_openapi_is_valid_and_public(client: Client, settings: Any, db: None) -> None:
    settings.YUQING_API_MAX_ITEMS = 7
    settings.YUQING_API_MAX_BYTES = 4096
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    spec = response.json()
    validate(spec)
    assert spec["openapi"] == "3.1.0"

    schemas = spec["components"]["schemas"]
    assert schemas["PushRequest"]["properties"]["items"]["maxItems"] == 7
    item = schemas["PushItem"]
    assert item["additionalProperties"] is False
    assert item["required"] == ["platform"]
    assert item["properties"]["likes"]["anyOf"][0] == {"type": "integer", "minimum": 0,
                                                       "maximum": 2**63 - 1}
    assert item["properties"]["title"]["maxLength"] == 500

    post = spec["paths"]["/items"]["post"]
    assert "4096 bytes" in post["description"]
    assert "At most 7 items" in post["description"]
    assert set(post["responses"]) == {"200", "400", "401", "405", "413", "415", "422"}
    assert post["security"] == [{"bearer": []}]

"""The in-memory form of one incoming item, before it is stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class ItemRecord:
    """What a reader or the push API hands to the pipeline.

    ``author_id`` and ``author_name`` are the plain identifiers as received; the pseudonymise
    stage replaces them with a keyed hash and a masked name and they are never stored.
    ``raw`` must already be free of author-identifying fields (see ``privacy.scrub``).
    """

    platform: str
    text: str = ""
    title: str = ""
    kind: str = "post"
    external_id: str = ""
    url: str = ""
    published_at: datetime | None = None
    likes: int | None = None
    reposts: int | None = None
    comments: int | None = None
    views: int | None = None
    parent_external_id: str = ""
    parent_kind: str = "post"
    region: str = ""
    language: str = "zh"
    author_id: str = ""
    author_name: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    #: Where the record came from (file:line, or batch index), for error messages.
    origin: str = ""
    # Filled by the pipeline:
    natural_key: str = ""
    parent_key: str = ""
    author_hash: str = ""
    author_display: str = ""
    fingerprint: str = ""

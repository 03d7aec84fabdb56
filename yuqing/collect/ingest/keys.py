"""Natural keys and fingerprints: what makes a write an idempotent upsert."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from yuqing.collect.ingest.record import ItemRecord

#: Query parameters that track a click, not select content.
_TRACKING = ("utm_", "spm", "from", "share_", "xsec_source", "is_from", "wfr")


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, drop fragment, default port and tracking parameters,
    sort the rest — so the same article reached by two links gets one key."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower() or "http"
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING)
    )
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def _digest(*parts: object) -> str:
    """SHA-1 of the parts, each preceded by a unit separator (``None`` as empty).

    Encoded in one piece: called twice per ingested item, and one ``update`` per part was a
    measurable share of an import. The bytes hashed — so every stored key — are unchanged.
    """
    data = "".join(["\x1f" + ("" if part is None else str(part)) for part in parts])
    return hashlib.sha1(data.encode("utf-8", "surrogatepass"),
                        usedforsecurity=False).hexdigest()


def ref_key(platform: str, kind: str, external_id: str) -> str:
    """Key of an item known by its platform id; comments live in their own id space."""
    return f"{platform}:{'c:' if kind == 'comment' else ''}{external_id}"


def published_text(rec: ItemRecord) -> str:
    """The publication time as hashed into keys; computed once per record by the caller."""
    return rec.published_at.isoformat() if rec.published_at else ""


def natural_key(rec: ItemRecord, published: str | None = None) -> str:
    if rec.external_id:
        key = ref_key(rec.platform, rec.kind, rec.external_id)
        return key if len(key) <= 255 else f"{rec.platform}:id:{_digest(rec.external_id)}"
    if rec.url:
        return "url:" + _digest(normalise_url(rec.url))
    if published is None:
        published = published_text(rec)
    return "sha:" + _digest(rec.platform, rec.author_hash, published, rec.title, rec.text)


def fingerprint(rec: ItemRecord, published: str | None = None) -> str:
    if published is None:
        published = published_text(rec)
    return _digest(
        rec.kind, rec.external_id, rec.url, rec.title, rec.text, published, rec.likes,
        rec.reposts, rec.comments, rec.views, rec.parent_key, rec.region, rec.language,
        rec.author_hash, rec.author_display,
    )

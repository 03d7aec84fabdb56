"""The default credibility tiers, present whenever the tier table is empty.

A data migration created them once; creating them again after every ``migrate`` (and after a
test database flush) whenever the table is empty means an install never runs without tiers,
while an office's own renames, additions and deletions are left alone.
"""

from __future__ import annotations

from typing import Any

from yuqing.collect.models import CredibilityTier

#: ``(code, name, rank)``; rank 1 is the most authoritative.
DEFAULT_TIERS = (
    ("central_media", "中央媒体", 1),
    ("local_media", "省级/地方媒体", 2),
    ("government", "政务账号", 3),
    ("self_media", "自媒体", 4),
    ("individual", "论坛/个人", 5),
)


def ensure_default_tiers(**_signal: Any) -> None:
    """Create the default tiers if there are none (a ``post_migrate`` receiver)."""
    if not CredibilityTier.objects.exists():
        CredibilityTier.objects.bulk_create(
            CredibilityTier(code=code, name=name, rank=rank) for code, name, rank in DEFAULT_TIERS)

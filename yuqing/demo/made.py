"""What each of the demo's ``ensure_*`` functions returns, so the command can say what it did."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Made(Generic[T]):
    """The demo's objects of one kind by name, found or created, and how many were created."""

    objects: dict[str, T]
    new: int

    @property
    def total(self) -> int:
        return len(self.objects)

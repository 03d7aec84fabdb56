"""What each of the demo's ``ensure_*`` functions returns, and the find-or-create they share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from django.db.models import Model

from yuqing.orgs.models import Unit

T = TypeVar("T")
M = TypeVar("M", bound=Model)
S = TypeVar("S", bound="Spec")


@dataclass(frozen=True)
class Made(Generic[T]):
    """The demo's objects of one kind by name, found or created, and how many were created."""

    objects: dict[str, T]
    new: int

    @property
    def total(self) -> int:
        return len(self.objects)


class Spec(Protocol):
    @property
    def unit_code(self) -> str: ...

    @property
    def name(self) -> str: ...


def ensure(specs: Iterable[S], units: dict[str, Unit], model: type[M],
           create: Callable[[S, Unit], M]) -> Made[M]:
    """Each spec's object, found by unit and name or made by ``create``: a re-run of the demo
    leaves what exists as it is (an office may have edited it)."""
    found: dict[str, M] = {}
    new = 0
    for spec in specs:
        unit = units[spec.unit_code]
        obj = model._default_manager.filter(unit=unit, name=spec.name).first()
        if obj is None:
            obj = create(spec, unit)
            new += 1
        found[spec.name] = obj
    return Made(found, new)

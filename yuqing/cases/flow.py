"""The status flow new → assessing → handling → responded → resolved → archived.

Kept as data so that the page offers exactly the moves the action layer accepts. Besides the
straight line there are three ways back or out, each needing a reason in words: a case that
turns out not to be one is archived from "new" or "assessing"; a response that did not settle
things sends a case from "responded" back to "handling"; a resolved case that flares up again
goes back to "handling" as well.

Who: handling steps need ``cases.handle`` in the responsible line (see :mod:`.scope`);
archiving is the opening office's decision and needs ``cases.open``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yuqing.cases.models import Status


@dataclass(frozen=True)
class Move:
    source: Status
    target: Status
    perm: str
    label: str | Promise
    needs_reason: bool = False


MOVES: tuple[Move, ...] = (
    Move(Status.NEW, Status.ASSESSING, "cases.handle", _("Start assessing")),
    Move(Status.NEW, Status.ARCHIVED, "cases.open", _("Archive: no case"), needs_reason=True),
    Move(Status.ASSESSING, Status.HANDLING, "cases.handle", _("Start handling")),
    Move(Status.ASSESSING, Status.ARCHIVED, "cases.open", _("Archive: no action needed"),
         needs_reason=True),
    Move(Status.HANDLING, Status.RESPONDED, "cases.handle", _("Mark responded")),
    Move(Status.RESPONDED, Status.RESOLVED, "cases.handle", _("Mark resolved")),
    Move(Status.RESPONDED, Status.HANDLING, "cases.handle", _("Back to handling"),
         needs_reason=True),
    Move(Status.RESOLVED, Status.ARCHIVED, "cases.open", _("Archive")),
    Move(Status.RESOLVED, Status.HANDLING, "cases.handle", _("Reopen"), needs_reason=True),
)


def move(source: str, target: str) -> Move | None:
    """The move from ``source`` to ``target``; None when the flow has no such step."""
    return next((m for m in MOVES if m.source == source and m.target == target), None)


def moves_from(source: str) -> list[Move]:
    return [m for m in MOVES if m.source == source]

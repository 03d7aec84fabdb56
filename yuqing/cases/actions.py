"""Every change to a case: opening, routing, assignment, status moves, timeline entries,
evidence and edits.

Each change writes a timeline entry in the same transaction, so the timeline is the case's
complete history; row writes are audited by the audit app's signals. The views check that the
user may see the case; the rules of the flow — which moves exist, who may make them, what they
set — are enforced here, so no other path (admin aside) can bypass them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yuqing.alerts.models import Alert
from yuqing.analysis.models import Event
from yuqing.cases import flow, notices, routing
from yuqing.cases.models import (
    RECORDED_KINDS,
    ActionKind,
    Case,
    CaseAction,
    CaseEvent,
    CaseItem,
    CaseLevel,
    Category,
    Status,
)
from yuqing.cases.scope import may
from yuqing.collect.models import Item
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import PERMISSIONS


class CaseError(ValueError):
    """A change the flow does not allow; the message is shown to the user."""


def _log(case: Case, kind: str, user: User | None, text: str = "", link: str = "",
         **details: Any) -> CaseAction:
    return CaseAction.objects.create(case=case, kind=kind, user=user, text=text, link=link,
                                     details=details)


def _open(case: Case) -> None:
    """An archived case is a closed file: nothing about it changes any more."""
    if case.status == Status.ARCHIVED:
        raise CaseError(_("The case is archived."))


def handlers_of(unit: Unit) -> list[User]:
    """Who a case of ``unit`` may be assigned to: its active members able to handle cases."""
    roles = PERMISSIONS["cases.handle"]
    return list(User.objects.filter(unit=unit, is_active=True, role__in=roles)
                .order_by("username"))


def _route(case: Case, unit: Unit | None) -> None:
    """Set the responsible unit: ``unit`` if given, else by the rules, else keep it."""
    if unit is not None:
        case.unit, case.routed_by = unit, None
        return
    rule = routing.choose(case.category, case.region_code)
    if rule is not None:
        case.unit, case.routed_by = rule.unit, rule


def open_case(user: User, *, title: str, level: CaseLevel, category: Category | None,
              region_code: str = "", summary: str = "", assessment: str = "",
              suggestion: str = "", unit: Unit | None = None, alert: Alert | None = None,
              items: Iterable[Item] = (), events: Iterable[Event] = (),
              fallback_unit: Unit | None = None) -> Case:
    """Open a case; routed to ``unit`` if given, else by the rules, else to ``fallback_unit``
    (the unit the alert or item belongs to) or the opener's unit."""
    now = timezone.now()
    case = Case(title=title, level=level, category=category, region_code=region_code,
                summary=summary, assessment=assessment, suggestion=suggestion, alert=alert,
                opened_by=user, opened_unit=user.unit, opened_at=now,
                respond_due=now + level.respond_within, resolve_due=now + level.resolve_within)
    _route(case, unit)
    if case.unit_id is None:
        chosen = fallback_unit or user.unit
        if chosen is None:
            raise CaseError(_("No routing rule matches: choose the responsible unit."))
        case.unit = chosen
    with transaction.atomic():
        case.save()
        _log(case, ActionKind.OPENED, user, alert=alert.pk if alert else None)
        routing_entry = _log_routing(case, user)
        _link(case, user, items, events)
        notices.routed(case, routing_entry)
    return case


def _log_routing(case: Case, user: User | None) -> CaseAction:
    rule = case.routed_by
    return _log(case, ActionKind.ROUTING, user, unit=case.unit_id, unit_name=case.unit.name,
         rule=rule.pk if rule else None, rule_name=rule.name if rule else "")


def _link(case: Case, user: User, items: Iterable[Item], events: Iterable[Event]) -> None:
    have_items = set(CaseItem.objects.filter(case=case).values_list("item_id", flat=True))
    have_events = set(CaseEvent.objects.filter(case=case).values_list("event_id", flat=True))
    new_items = [i for i in dict.fromkeys(items) if i.pk not in have_items]
    new_events = [e for e in dict.fromkeys(events) if e.pk not in have_events]
    for item in new_items:
        CaseItem.objects.create(case=case, item=item, added_by=user)
    for event in new_events:
        CaseEvent.objects.create(case=case, event=event, added_by=user)
    if new_items or new_events:
        _log(case, ActionKind.EVIDENCE, user, items=[i.pk for i in new_items],
             events=[e.pk for e in new_events])


def add_evidence(user: User, case: Case, *, items: Iterable[Item] = (),
                 events: Iterable[Event] = ()) -> None:
    _open(case)
    with transaction.atomic():
        _link(case, user, items, events)


def remove_evidence(user: User, case: Case, *, item_id: int | None = None,
                    event_id: int | None = None) -> None:
    _open(case)
    with transaction.atomic():
        if item_id is not None:
            for item_link in CaseItem.objects.filter(case=case, item_id=item_id):
                item_link.delete()
        if event_id is not None:
            for event_link in CaseEvent.objects.filter(case=case, event_id=event_id):
                event_link.delete()
        _log(case, ActionKind.EVIDENCE, user, removed_item=item_id, removed_event=event_id)


def reroute(user: User, case: Case, unit: Unit | None = None) -> bool:
    """Re-apply the rules (``unit`` None) or give the case to ``unit``; True if it moved.

    A new responsible unit means a new assignee: the old one belonged to the old unit.
    """
    _open(case)
    before = (case.unit_id, case.routed_by_id)
    _route(case, unit)
    if (case.unit_id, case.routed_by_id) == before:
        return False
    if case.assignee is not None and case.assignee.unit_id != case.unit_id:
        case.assignee = None
    with transaction.atomic():
        case.save()
        notices.routed(case, _log_routing(case, user))
    return True


def assign(user: User, case: Case, assignee: User | None) -> None:
    _open(case)
    if assignee is not None and assignee not in handlers_of(case.unit):
        raise CaseError(_("The assignee must be a handler of the responsible unit."))
    with transaction.atomic():
        case.assignee = assignee
        case.save(update_fields=["assignee"])
        entry = _log(case, ActionKind.ASSIGNMENT, user,
                     assignee=assignee.pk if assignee else None,
                     assignee_name=assignee.get_username() if assignee else "")
        if assignee is not None:
            notices.assigned(case, entry)


def transition(user: User, case: Case, target: str, reason: str = "") -> None:
    """Move the case along the flow, if that step exists and ``user`` may take it."""
    step = flow.move(case.status, target)
    if step is None:
        raise CaseError(_("A case cannot go from “%(source)s” to “%(target)s”.") % {
            "source": Status(case.status).label, "target": Status(target).label
            if target in Status.values else target})
    if not may(user, case, step.perm):
        raise CaseError(_("You may not take this step on this case."))
    if step.needs_reason and not reason.strip():
        raise CaseError(_("Say why in the note."))
    now = timezone.now()
    source = case.status
    case.status = step.target
    if step.target == Status.RESPONDED and case.responded_at is None:
        case.responded_at = now
    if step.target == Status.RESOLVED:
        case.resolved_at = now
    if source == Status.RESOLVED and step.target == Status.HANDLING:
        case.resolved_at = None
    if step.target == Status.ARCHIVED:
        case.archived_at = now
    with transaction.atomic():
        case.save()
        _log(case, ActionKind.STATUS, user, text=reason.strip(), source=source,
             target=step.target)


def record_action(user: User, case: Case, kind: str, text: str, link: str = "") -> CaseAction:
    """An entry written by a person: an instruction, a note, a verified fact, a published
    statement (its first one is the case's first response), a resolved complaint."""
    if kind not in RECORDED_KINDS:
        raise CaseError(_("Unknown kind of entry."))
    _open(case)
    # Leaders' instructions (批示) come from anyone who can see the case; the rest is handling.
    if kind != ActionKind.INSTRUCTION and not may(user, case, "cases.handle"):
        raise CaseError(_("Only the responsible unit records the handling of a case."))
    if not text.strip():
        raise CaseError(_("Write what was done."))
    if kind == ActionKind.STATEMENT and not link:
        raise CaseError(_("Give the link to the published statement or correction."))
    with transaction.atomic():
        entry = _log(case, kind, user, text=text.strip(), link=link)
        if kind == ActionKind.STATEMENT and case.responded_at is None:
            case.responded_at = entry.at
            case.save(update_fields=["responded_at"])
    return entry


def deadlines(level: CaseLevel, opened_at: datetime) -> tuple[datetime, datetime]:
    return opened_at + level.respond_within, opened_at + level.resolve_within


def update_case(user: User, case: Case, **fields: Any) -> list[str]:
    """Change title, texts, level, category or region; a new level brings its deadlines
    (counted from the opening), and a deadline that moved into the future is no longer
    overdue. Returns the names of the fields that changed."""
    _open(case)
    changed = [name for name, value in fields.items() if getattr(case, name) != value]
    if not changed:
        return []
    old_level = case.level
    for name in changed:
        setattr(case, name, fields[name])
    with transaction.atomic():
        if "level" in changed:
            case.respond_due, case.resolve_due = deadlines(case.level, case.opened_at)
            now = timezone.now()
            if case.respond_due > now:
                case.respond_breached_at = None
            if case.resolve_due > now:
                case.resolve_breached_at = None
            _log(case, ActionKind.LEVEL, user, source=str(old_level), target=str(case.level))
        case.save()
    return changed

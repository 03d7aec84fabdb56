"""One line of words for each system entry of a timeline (status, routing, assignment…),
from the facts the action stored, so the page needs no logic per kind."""

from __future__ import annotations

from django.utils.translation import gettext as _

from yuqing.cases.models import ActionKind, CaseAction, Status


def _status(value: object) -> str:
    return str(Status(value).label) if value in Status.values else str(value)


def describe(entry: CaseAction) -> str:
    d = entry.details
    if entry.kind == ActionKind.STATUS:
        return f"{_status(d.get('source'))} → {_status(d.get('target'))}"
    if entry.kind == ActionKind.ROUTING:
        if d.get("rule_name"):
            return _("To %(unit)s, routed by rule “%(rule)s”.") % {
                "unit": d.get("unit_name", "?"), "rule": d["rule_name"]}
        return _("To %(unit)s, chosen by hand or as no rule matched.") % {
            "unit": d.get("unit_name", "?")}
    if entry.kind == ActionKind.ASSIGNMENT:
        return (_("Assigned to %(user)s.") % {"user": d["assignee_name"]}
                if d.get("assignee_name") else _("Assignee removed."))
    if entry.kind == ActionKind.LEVEL:
        return f"{d.get('source', '?')} → {d.get('target', '?')}"
    if entry.kind == ActionKind.EVIDENCE:
        if d.get("removed_item") or d.get("removed_event"):
            return _("Removed: item %(item)s, event %(event)s.") % {
                "item": d.get("removed_item") or "—", "event": d.get("removed_event") or "—"}
        return _("Items: %(items)s; events: %(events)s.") % {
            "items": ", ".join(f"#{i}" for i in d.get("items", [])) or "—",
            "events": ", ".join(f"#{e}" for e in d.get("events", [])) or "—"}
    if entry.kind == ActionKind.OVERDUE:
        what = _("first response") if d.get("deadline") == "respond_due" else _("resolution")
        return _("The %(what)s deadline passed; the unit and the unit above were notified.") % {
            "what": what}
    if entry.kind == ActionKind.OPENED and d.get("alert"):
        return _("From alert #%(alert)s.") % {"alert": d["alert"]}
    return ""

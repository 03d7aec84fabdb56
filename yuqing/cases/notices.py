"""What people are told about cases: a case routed to their unit, a case assigned to them, a
deadline missed (to the responsible unit and the unit above it).

Each message carries an idempotency key, so a job run twice or a unit that also receives its
children's messages gets each notice once. Called inside the change's transaction: queued
notices exist exactly when the change does.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yuqing.cases.models import Case, CaseAction
from yuqing.notify.api import Message, notify


def _severity(case: Case) -> str:
    return "critical" if case.level.rank <= 2 else "warning" if case.level.rank == 3 else "info"


def _url(case: Case) -> str:
    return reverse("cases:case-detail", args=[case.pk])


def _time(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _facts(case: Case) -> str:
    return _("Level %(level)s. First response due %(respond)s, resolution due %(resolve)s.") % {
        "level": str(case.level), "respond": _time(case.respond_due),
        "resolve": _time(case.resolve_due)}


def routed(case: Case, routing: CaseAction) -> None:
    rule = case.routed_by
    how = (_("Routed by rule “%(rule)s”.") % {"rule": rule.name} if rule
           else _("Routed by hand."))
    notify(case.unit, Message(
        title=_("Case %(number)s for %(unit)s: %(title)s") % {
            "number": case.number, "unit": case.unit.name, "title": case.title},
        body=f"{how}\n{_facts(case)}", url=_url(case), severity=_severity(case),
        key=f"case:{case.pk}:routed:{routing.pk}"),
        users=[case.assignee] if case.assignee else [])


def assigned(case: Case, assignment: CaseAction) -> None:
    assert case.assignee is not None
    notify(case.unit, Message(
        title=_("Case %(number)s assigned to %(user)s: %(title)s") % {
            "number": case.number, "title": case.title,
            "user": case.assignee.get_full_name() or case.assignee.get_username()},
        body=_facts(case), url=_url(case), severity=_severity(case),
        key=f"case:{case.pk}:assigned:{assignment.pk}"), users=[case.assignee])


def overdue(case: Case, deadline: str, now: datetime) -> None:
    """Escalate a missed deadline to the responsible unit (and the assignee and opener in the
    app) and to the unit above it."""
    due: datetime = getattr(case, deadline)
    what = _("first response") if deadline == "respond_due" else _("resolution")
    late = (now - due).total_seconds()
    message = Message(
        title=_("Case %(number)s overdue (%(what)s): %(title)s") % {
            "number": case.number, "what": what, "title": case.title},
        body=_("The %(what)s was due at %(due)s, %(late)s ago. Status: %(status)s. "
               "Responsible unit: %(unit)s.") % {
            "what": what, "due": _time(due),
            "late": _("%d min") % (late // 60) if late < 3600 else _("%.1f h") % (late / 3600),
            "status": case.get_status_display(), "unit": case.unit.name},
        url=_url(case), severity="critical" if case.level.rank <= 2 else "warning",
        key=f"case:{case.pk}:overdue:{deadline}:{due:%Y%m%d%H%M}")
    people = [u for u in (case.assignee, case.opened_by) if u is not None]
    notify(case.unit, message, users=people)
    if case.unit.parent is not None:
        notify(case.unit.parent, message)

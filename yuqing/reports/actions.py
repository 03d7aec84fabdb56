"""Changes to report templates and schedules, each written to the audit log (the reports app
records its own entries: its rollup tables change far too often to be audited row by row)."""

from __future__ import annotations

from django.db import transaction

from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.orgs.models import Unit, User
from yuqing.reports.models import ReportSchedule, ReportTemplate


def save_template(user: User, kind: str, unit: Unit | None, body: str) -> ReportTemplate:
    with transaction.atomic():
        row = ReportTemplate.objects.filter(kind=kind, unit=unit).first()
        created = row is None
        if row is None:
            row = ReportTemplate(kind=kind, unit=unit)
        before = row.body
        row.body, row.updated_by = body, user
        row.save()
        record(Action.CREATE if created else Action.UPDATE, obj=row, details={
            "kind": kind, "unit": unit.code if unit else "", "before": before, "after": body})
    return row


def reset_template(kind: str, unit: Unit | None) -> bool:
    """Remove the office's template: the next one up (or the shipped one) applies again."""
    with transaction.atomic():
        row = ReportTemplate.objects.filter(kind=kind, unit=unit).first()
        if row is None:
            return False
        record(Action.DELETE, obj=row, details={"kind": kind, "body": row.body})
        row.delete()
    return True


def schedule_saved(schedule: ReportSchedule, created: bool) -> None:
    record(Action.CREATE if created else Action.UPDATE, obj=schedule, details={
        "unit": schedule.unit.code, "kind": schedule.kind, "at": schedule.at,
        "weekday": schedule.weekday, "enabled": schedule.enabled,
        "recipients": sorted(schedule.recipients.values_list("username", flat=True))})


def delete_schedule(schedule: ReportSchedule) -> None:
    with transaction.atomic():
        record(Action.DELETE, obj=schedule, details={"unit": schedule.unit.code,
                                                     "kind": schedule.kind})
        schedule.delete()

"""Scheduled reports: when each is due, made once per period, sent through notify."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.reports.conftest import World
from yuqing.notify.models import Channel, Delivery, Notification
from yuqing.reports import jobs
from yuqing.reports.models import Kind, Report, ReportSchedule

pytestmark = pytest.mark.django_db


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def test_when_a_report_is_due() -> None:
    daily = ReportSchedule(kind=Kind.DAILY, at=time(8, 0))
    monday = date(2026, 3, 9)
    assert jobs.due_day(daily, local(monday, 8, 0)) == date(2026, 3, 8)
    assert jobs.due_day(daily, local(monday, 7, 59)) == date(2026, 3, 7)
    weekly = ReportSchedule(kind=Kind.WEEKLY, at=time(9, 0), weekday=0)
    assert jobs.due_day(weekly, local(monday + timedelta(days=2), 10)) == date(2026, 3, 8)
    assert jobs.due_day(weekly, local(monday, 8)) == date(2026, 3, 1)
    assert jobs.due_day(ReportSchedule(kind=Kind.WEEKLY, at=time(9, 0)), local(monday, 10)) \
        is None


def test_a_due_report_is_made_once_and_sent(world: World) -> None:
    street = world.units["street_a"]
    channel = Channel.objects.create(name="东湖街道群", kind="webhook", unit=street,
                                     config={"url": "http://127.0.0.1:9/hook"})
    schedule = ReportSchedule.objects.create(unit=street, kind=Kind.DAILY, at=time(0, 0))
    schedule.recipients.add(world.analyst)
    assert jobs.run_schedules() == 1
    assert jobs.run_schedules() == 0  # the same period again: already made
    report = Report.objects.get()
    assert (report.schedule, report.unit, report.kind) == (schedule, street, Kind.DAILY)
    assert report.period_end == local(timezone.localdate(), 0)
    delivery = Delivery.objects.get(channel=channel)
    assert delivery.key == f"report:{report.pk}" and delivery.url.endswith(
        f"/reports/{report.pk}/")
    assert report.title in delivery.title
    assert Notification.objects.get(user=world.analyst).url == delivery.url
    schedule.refresh_from_db()
    assert schedule.last_error == ""


def test_a_failing_report_keeps_its_claim_and_says_why(world: World,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    schedule = ReportSchedule.objects.create(unit=world.units["district"], kind=Kind.DAILY,
                                             at=time(0, 0))

    def broken(*args: object, **kwargs: object) -> Report:
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs.generate, "generate", broken)
    assert jobs.run_schedules() == 0
    schedule.refresh_from_db()
    assert "disk full" in schedule.last_error and schedule.last_period_end is not None
    assert jobs.run_schedules() == 0  # not retried every minute

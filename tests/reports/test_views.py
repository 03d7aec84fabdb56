"""Report pages: who may generate, see and download what; templates and schedules."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.reports.conftest import World
from yuqing.audit.models import Action, AuditEntry
from yuqing.orgs.models import User
from yuqing.orgs.roles import Role
from yuqing.reports import generate, scope
from yuqing.reports.models import Kind, Report, ReportSchedule, ReportTemplate

pytestmark = pytest.mark.django_db


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def daily(world: World, unit: str = "district") -> Report:
    return generate.generate(Kind.DAILY, scope.of_unit(world.units[unit]), day=world.day,
                             user=world.analyst)


def test_generate_then_read_and_download_each_format(world: World, client: Client) -> None:
    logged_in(client, world.analyst)
    form = client.get("/reports/new/", {"kind": "flash", "event": world.event_of("w1")})
    assert 'value="flash" selected' in form.content.decode()
    response = client.post("/reports/new/", {"kind": "daily", "unit": "district",
                                             "day": world.day.isoformat()})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert f'src="/reports/{report.pk}/view/" sandbox' in page
    framed = client.get(f"/reports/{report.pk}/view/")
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert "default-src 'none'" in framed["Content-Security-Policy"]
    for fmt, mime in (("pdf", "application/pdf"), ("html", "text/html; charset=utf-8"),
                      ("docx", "application/vnd.openxmlformats-officedocument"
                               ".wordprocessingml.document")):
        download = client.get(f"/reports/{report.pk}/download/{fmt}/")
        assert download.status_code == 200 and download["Content-Type"] == mime
        assert download["Content-Disposition"].startswith("attachment;")
    assert list(AuditEntry.objects.filter(action=Action.EXPORT).order_by("id").values_list(
        "details__format", flat=True)) == ["pdf", "html", "docx"]
    assert AuditEntry.objects.filter(action=Action.CREATE, model="reports.Report").exists()
    assert client.get(f"/reports/{report.pk}/download/exe/").status_code == 404


def test_an_event_report_needs_an_event_the_user_can_see(world: World, client: Client,
                                                           make_user: Callable[..., User]
                                                           ) -> None:
    reporter = make_user("reporter-b", Role.REPORTER, world.units["street_b"])
    logged_in(client, reporter)
    concert = world.event_of("c1")  # posted in street A only
    response = client.post("/reports/new/", {"kind": "flash", "event": concert})
    assert response.status_code == 200 and not Report.objects.exists()
    assert response.context["form"].errors["event"]
    fire = world.event_of("f1")
    assert client.post("/reports/new/", {"kind": "flash", "event": fire}).status_code == 302
    assert Report.objects.get().unit == world.units["street_b"]


def test_reports_are_visible_to_their_units_only(world: World, client: Client) -> None:
    district, street = daily(world), daily(world, "street_b")
    logged_in(client, world.street_b_viewer)
    listing = client.get("/reports/").content.decode()
    assert f"/reports/{street.pk}/" in listing and f"/reports/{district.pk}/" not in listing
    assert client.get(f"/reports/{district.pk}/").status_code == 404
    assert client.get(f"/reports/{district.pk}/download/pdf/").status_code == 404
    assert client.get("/reports/new/").status_code == 403  # viewers do not generate
    assert client.get("/reports/templates/").status_code == 403


def test_editing_and_removing_a_units_template(world: World, client: Client) -> None:
    logged_in(client, world.analyst)
    edit = client.get("/reports/templates/daily/", {"unit": "street-a"}).content.decode()
    assert "舆情日报" in edit  # starts from the shipped template
    bad = client.post("/reports/templates/daily/", {"unit": "street-a", "body": "{% if %}"})
    assert bad.status_code == 200 and not ReportTemplate.objects.exists()
    saved = client.post("/reports/templates/daily/",
                        {"unit": "street-a", "body": "<h1>东湖日报</h1>"})
    assert saved.status_code == 302
    row = ReportTemplate.objects.get()
    assert (row.unit, row.kind, row.updated_by) == (world.units["street_a"], "daily",
                                                    world.analyst)
    listing = client.get("/reports/templates/", {"unit": "community-a1"}).content.decode()
    assert "from 东湖街道" in listing
    client.post("/reports/templates/daily/reset/", {"unit": "street-a"})
    assert not ReportTemplate.objects.exists()
    assert list(AuditEntry.objects.filter(model="reports.ReportTemplate").order_by("id")
                .values_list("action", flat=True)) == [Action.CREATE, Action.DELETE]
    # The deployment default is for administrators; an analyst's empty unit is their own.
    assert client.get("/reports/templates/flash/", {"unit": "nowhere"}).status_code == 404


def test_schedules_are_created_edited_and_deleted(world: World, client: Client) -> None:
    logged_in(client, world.analyst)
    missing_day = client.post("/reports/schedules/new/", {
        "unit": world.units["street_a"].pk, "kind": "weekly", "at": "08:30", "enabled": "on"})
    assert missing_day.status_code == 200 and not ReportSchedule.objects.exists()
    created = client.post("/reports/schedules/new/", {
        "unit": world.units["street_a"].pk, "kind": "daily", "at": "08:30", "enabled": "on",
        "recipients": [world.analyst.pk]})
    assert created.status_code == 302
    schedule = ReportSchedule.objects.get()
    assert list(schedule.recipients.all()) == [world.analyst] and schedule.weekday is None
    client.post(f"/reports/schedules/{schedule.pk}/", {
        "unit": world.units["street_a"].pk, "kind": "weekly", "at": "09:00", "weekday": "0",
        "enabled": "on"})
    schedule.refresh_from_db()
    assert (schedule.kind, schedule.weekday) == ("weekly", 0)
    assert "08:30" not in client.get("/reports/schedules/").content.decode()
    client.post(f"/reports/schedules/{schedule.pk}/delete/")
    assert not ReportSchedule.objects.exists()
    assert list(AuditEntry.objects.filter(model="reports.ReportSchedule").order_by("id")
                .values_list("action", flat=True)) == [Action.CREATE, Action.UPDATE,
                                                       Action.DELETE]

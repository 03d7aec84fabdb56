"""Channel pages (administrators only), secrets never shown back, the test button and its
result, the delivery log, and a user's own notifications."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from tests.notify.conftest import PUBLIC
from yuqing.audit.models import AuditEntry
from yuqing.notify import worker
from yuqing.notify.models import Channel, Delivery, DeliveryStatus, Notification
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role

pytestmark = pytest.mark.django_db

KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


@pytest.fixture
def admin(client: Client, units: dict[str, Unit], make_user: Callable[..., User]) -> Client:
    client.force_login(make_user("root", Role.ADMIN, None))
    return client


def _form(**fields: str) -> dict[str, str]:
    data = {"name": "值班群", "unit": "district", "min_severity": "warning",
            "enabled": "on", "action": "save"}
    data.update(fields)
    return data


def _send_now(delivery: Delivery) -> None:
    """What the worker does, in this thread (the test's transaction is not committed)."""
    class Inline:
        def free(self) -> int:
            return 10

        def running(self, channel_id: int) -> int:
            return 0

        def full(self) -> list[int]:
            return []

        def submit(self, channel_id: int, task: Callable[[], object], *, limit: int) -> None:
            task()

    worker.dispatch(pool=Inline())  # type: ignore[arg-type]


def test_only_administrators_manage_channels(
        client: Client, units: dict[str, Unit], make_user: Callable[..., User]) -> None:
    client.force_login(make_user("analyst", Role.ANALYST, units["district"]))
    for path in ("/notify/channels/", "/notify/channels/new/?kind=email",
                 "/notify/channels/deliveries/"):
        assert client.get(path).status_code == 403


def test_create_a_wecom_channel_from_its_key_and_never_show_the_key(
        admin: Client, units: dict[str, Unit]) -> None:
    chooser = admin.get("/notify/channels/new/").content.decode()
    assert "?kind=wecom" in chooser and "?kind=feishu" in chooser
    assert admin.get("/notify/channels/new/?kind=wecom").status_code == 200
    response = admin.post("/notify/channels/new/?kind=wecom", _form(
        **{"settings-webhook": KEY, "settings-format": "text"}))
    channel = Channel.objects.get()
    assert response.status_code == 302 and response["Location"] == (
        f"/notify/channels/{channel.pk}/")
    assert channel.secrets == {
        "webhook": f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}"}
    assert channel.config == {"format": "text"}
    assert (channel.unit, channel.min_severity) == (units["district"], "warning")
    for path in (f"/notify/channels/{channel.pk}/", f"/notify/channels/{channel.pk}/edit/",
                 "/notify/channels/"):
        page = admin.get(path).content.decode()
        assert KEY not in page and KEY[:12] not in page, path
    assert "https://qyapi.weixin.qq.com/…5aaa" in admin.get(
        f"/notify/channels/{channel.pk}/").content.decode()
    logged = json.dumps(list(AuditEntry.objects.values("details")), ensure_ascii=False)
    assert "值班群" in logged and KEY not in logged and '"webhook"' in logged


def test_editing_keeps_replaces_or_forgets_secrets(admin: Client) -> None:
    admin.post("/notify/channels/new/?kind=dingtalk", _form(**{
        "settings-webhook": "tok123", "settings-signing_secret": "SECone",
        "settings-format": "markdown"}))
    channel = Channel.objects.get()
    edit = f"/notify/channels/{channel.pk}/edit/"
    page = admin.get(edit).content.decode()
    assert "SECone" not in page and "tok123" not in page and "settings-forget_signing" in page
    admin.post(edit, _form(name="改名", **{"settings-format": "text"}))
    channel.refresh_from_db()
    assert channel.name == "改名" and channel.secrets == {
        "webhook": "https://oapi.dingtalk.com/robot/send?access_token=tok123",
        "signing_secret": "SECone"}
    admin.post(edit, _form(**{"settings-signing_secret": "SECtwo", "settings-format": "text"}))
    channel.refresh_from_db()
    assert channel.secrets["signing_secret"] == "SECtwo"
    admin.post(edit, _form(**{"settings-forget_signing_secret": "on",
                              "settings-format": "text"}))
    channel.refresh_from_db()
    assert "signing_secret" not in channel.secrets
    update = AuditEntry.objects.filter(action="update").first()
    assert update is not None
    assert update.details["changes"]["secrets changed"] == ["signing_secret"]


def test_invalid_settings_are_reported_and_nothing_is_saved(admin: Client) -> None:
    response = admin.post("/notify/channels/new/?kind=email", _form(**{
        "settings-host": "smtp.example.gov.cn", "settings-security": "starttls",
        "settings-from_addr": "yuqing@example.gov.cn", "settings-to": "duty@, chief@x.cn",
        "settings-password": "pw"}))
    page = response.content.decode()
    assert response.status_code == 200 and not Channel.objects.exists()
    assert "duty@" in page and "field-error" in page
    response = admin.post("/notify/channels/new/?kind=webhook", _form(**{
        "settings-url": "https://hooks.example.gov.cn/in", "settings-header_name": "X Bad"}))
    assert response.status_code == 200 and not Channel.objects.exists()


def test_send_test_queues_a_test_message_and_shows_its_answer(
        admin: Client, make_channel: Callable[..., Channel]) -> None:
    channel = make_channel("webhook", {"url": "http://127.0.0.1:9/hook"}, enabled=False)
    response = admin.post(f"/notify/channels/{channel.pk}/test/")
    test = Delivery.objects.get()
    assert test.is_test and test.url == f"{PUBLIC}/notify/channels/{channel.pk}/"
    assert response["Location"] == f"/notify/channels/{channel.pk}/?test={test.pk}#test"
    page = admin.get(response["Location"]).content.decode()
    assert f"/notify/channels/deliveries/{test.pk}/status/" in page  # polled while queued
    _send_now(test)
    fragment = admin.get(f"/notify/channels/deliveries/{test.pk}/status/").content.decode()
    assert "failed" in fragment and "network error" in fragment
    assert "hx-get" not in fragment  # settled: no more polling


def test_save_and_send_a_test(admin: Client) -> None:
    response = admin.post("/notify/channels/new/?kind=inapp", _form(action="test"))
    channel = Channel.objects.get()
    test = Delivery.objects.get(channel=channel)
    assert response["Location"] == f"/notify/channels/{channel.pk}/?test={test.pk}#test"


def test_disable_and_enable(admin: Client, make_channel: Callable[..., Channel]) -> None:
    channel = make_channel("inapp")
    admin.post(f"/notify/channels/{channel.pk}/toggle/")
    channel.refresh_from_db()
    assert not channel.enabled
    assert "disabled" in admin.get(f"/notify/channels/{channel.pk}/").content.decode()
    admin.post(f"/notify/channels/{channel.pk}/toggle/")
    channel.refresh_from_db()
    assert channel.enabled
    assert AuditEntry.objects.filter(model="notify.Channel", action="update").count() == 2


def test_delivery_log_filters_and_retry(
        admin: Client, make_channel: Callable[..., Channel]) -> None:
    channel = make_channel("webhook", {"url": "http://127.0.0.1:9/"})
    failed = Delivery.objects.create(channel=channel, title="失败的消息",
                                     status=DeliveryStatus.FAILED, attempts=6,
                                     last_error="HTTP 500")
    Delivery.objects.create(channel=channel, title="已发送", status=DeliveryStatus.SENT)
    page = admin.get("/notify/channels/deliveries/?status=failed").content.decode()
    assert "失败的消息" in page and "已发送" not in page and "HTTP 500" in page
    fragment = admin.get("/notify/channels/deliveries/?q=已发送", HTTP_HX_REQUEST="true")
    assert "已发送" in fragment.content.decode() and b"<html" not in fragment.content
    admin.post(f"/notify/channels/deliveries/{failed.pk}/retry/")
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == ("queued", 0, "")


def test_notifications_are_a_users_own(
        client: Client, units: dict[str, Unit], make_user: Callable[..., User]) -> None:
    me = make_user("me", Role.HANDLER, units["street_a"])
    other = make_user("other", Role.HANDLER, units["street_a"])
    mine = Notification.objects.create(user=me, title="给我的", url=f"{PUBLIC}/cases/3/")
    Notification.objects.create(user=me, title="已读的", read_at=timezone.now())
    outside = Notification.objects.create(user=me, title="外链",
                                          url="https://evil.example/x")
    theirs = Notification.objects.create(user=other, title="给别人的")
    client.force_login(me)
    page = client.get("/notify/").content.decode()
    assert "给我的" in page and "外链" in page and "已读的" not in page and "给别人的" not in page
    assert "已读的" in client.get("/notify/?show=all").content.decode()
    assert client.get("/notify/badge/").content.decode().count(">2<") == 1
    assert client.post(f"/notify/{theirs.pk}/read/").status_code == 404
    assert client.get(f"/notify/{theirs.pk}/open/").status_code == 404
    response = client.get(f"/notify/{mine.pk}/open/")
    assert response["Location"] == "/cases/3/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(f"/notify/{outside.pk}/open/")["Location"] == "/notify/"
    client.post("/notify/read-all/")
    assert not Notification.objects.filter(user=me, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert "notify-unread" not in client.get("/notify/badge/").content.decode()


def test_a_link_cannot_leave_the_site_through_open(
        client: Client, units: dict[str, Unit], make_user: Callable[..., User]) -> None:
    me = make_user("me", Role.HANDLER, units["street_a"])
    sneaky = Notification.objects.create(user=me, title="x", url=f"{PUBLIC}//evil.example/")
    client.force_login(me)
    assert client.get(f"/notify/{sneaky.pk}/open/")["Location"] == "/notify/"


@pytest.mark.parametrize("kind", ["email", "webhook", "wecom", "dingtalk", "feishu", "inapp"])
def test_every_kind_has_a_form_and_a_detail_page(
        admin: Client, make_channel: Callable[..., Channel], kind: str) -> None:
    form = admin.get(f"/notify/channels/new/?kind={kind}")
    assert form.status_code == 200 and b'name="settings-' in form.content
    channel = make_channel(kind)
    assert admin.get(f"/notify/channels/{channel.pk}/").status_code == 200
    assert admin.get(f"/notify/channels/{channel.pk}/edit/").status_code == 200


def test_the_header_badge_loads_its_count_by_htmx(
        units: dict[str, Unit], make_user: Callable[..., User]) -> None:
    html = render_to_string("notify/_badge.html",
                            {"user": make_user("me", Role.VIEWER, units["district"])})
    assert 'hx-get="/notify/badge/"' in html and 'href="/notify/"' in html
    assert "style=" not in html and "<script" not in html  # the CSP allows neither
    assert render_to_string("notify/_badge.html", {"user": AnonymousUser()}).strip() == ""

"""notify(): which channels get a message, idempotency by key, in-app notifications."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction

from tests.notify.conftest import PUBLIC
from yuqing.env import SettingError
from yuqing.notify import conf, wakeup
from yuqing.notify.api import Message, channels_for, notify, public_url
from yuqing.notify.models import Channel, Delivery, DeliveryStatus, Notification, Severity
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role

pytestmark = pytest.mark.django_db


def _message(**fields: str) -> Message:
    values = {"title": "滨江区：负面信息", "body": "正文", "url": "/alerts/1/",
              "severity": "warning", "key": "alert:1:1", **fields}
    return Message(**values)


def test_channels_of_the_unit_and_of_ancestors_that_asked_for_their_subtree(
        units: dict[str, Unit], make_channel: Callable[..., Channel]) -> None:
    own = make_channel("webhook", unit=units["community"])
    district_all = make_channel("webhook", unit=units["district"], include_subtree=True)
    make_channel("webhook", unit=units["district"])  # the district's own messages only
    street_all = make_channel("webhook", unit=units["street_a"], include_subtree=True)
    make_channel("webhook", unit=units["street_b"], include_subtree=True)  # another branch
    make_channel("webhook", unit=units["community"], enabled=False)
    critical_only = make_channel("webhook", unit=units["community"],
                                 min_severity=Severity.CRITICAL)
    assert set(channels_for(units["community"], "warning")) == {own, district_all, street_all}
    assert critical_only in channels_for(units["community"], "critical")


def test_notify_queues_one_delivery_per_channel_with_an_absolute_link(
        units: dict[str, Unit], make_channel: Callable[..., Channel]) -> None:
    first = make_channel("webhook")
    second = make_channel("wecom")
    assert notify(units["district"], _message()) == 2
    rows = list(Delivery.objects.order_by("channel_id"))
    assert [d.channel for d in rows] == [first, second]
    assert {d.status for d in rows} == {DeliveryStatus.QUEUED}
    assert all(d.next_attempt_at is not None for d in rows)
    assert rows[0].url == f"{PUBLIC}/alerts/1/"
    assert rows[0].unit == units["district"]
    assert public_url("cases/3/") == f"{PUBLIC}/cases/3/"


def test_the_same_key_is_queued_once_per_channel(
        units: dict[str, Unit], make_channel: Callable[..., Channel]) -> None:
    make_channel("webhook")
    assert notify(units["district"], _message()) == 1
    assert notify(units["district"], _message(body="再次")) == 0
    late = make_channel("email")  # a channel added since gets the message once
    assert notify(units["district"], _message()) == 1
    assert Delivery.objects.filter(channel=late).count() == 1
    assert notify(units["district"], _message(key="")) == 2  # no key: always queued
    assert notify(units["district"], _message(key="")) == 2


def test_a_long_key_still_identifies_the_message(
        units: dict[str, Unit], make_channel: Callable[..., Channel]) -> None:
    make_channel("webhook")
    key = "alert:" + "x" * 300
    assert notify(units["district"], _message(key=key)) == 1
    assert notify(units["district"], _message(key=key)) == 0
    assert Delivery.objects.get().key.startswith("sha256:")


def test_users_get_in_app_notifications_once_per_key(
        units: dict[str, Unit], make_user: Callable[..., User]) -> None:
    analyst = make_user("analyst", Role.ANALYST, units["district"])
    handler = make_user("handler", Role.HANDLER, units["street_a"])
    assert notify(units["street_a"], _message(), users=[analyst, handler, analyst]) == 2
    assert notify(units["street_a"], _message(), users=[analyst]) == 0
    note = Notification.objects.get(user=handler)
    assert (note.title, note.url, note.severity, note.read_at) == (
        "滨江区：负面信息", f"{PUBLIC}/alerts/1/", "warning", None)


def test_an_unknown_severity_is_refused() -> None:
    with pytest.raises(ValueError, match="severity"):
        Message(title="t", body="b", severity="urgent")


def test_the_worker_is_woken_only_when_the_transaction_commits(
        units: dict[str, Unit], make_channel: Callable[..., Channel],
        django_capture_on_commit_callbacks: Callable[..., object]) -> None:
    make_channel("webhook")
    wakeup.clear()
    with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[attr-defined]
        with transaction.atomic():
            notify(units["district"], _message())
        assert not wakeup.wait(0)
    assert len(callbacks) == 1
    callbacks[0]()
    assert wakeup.wait(0)
    wakeup.clear()


def test_nothing_to_deliver_costs_one_query(
        units: dict[str, Unit], django_assert_max_num_queries: Callable[..., object]) -> None:
    with django_assert_max_num_queries(1):  # type: ignore[attr-defined]
        assert notify(units["district"], _message()) == 0


@pytest.mark.parametrize("value", ["yuqing.example.gov.cn", "ftp://x.example", "https://x/?a=1"])
def test_a_malformed_public_url_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("YUQING_PUBLIC_URL", value)
    with pytest.raises(SettingError, match="YUQING_PUBLIC_URL"):
        conf.check()


def test_the_public_url_defaults_to_the_listening_address(
        monkeypatch: pytest.MonkeyPatch, settings: object) -> None:
    monkeypatch.delenv("YUQING_PUBLIC_URL")
    settings.YUQING_HOST, settings.YUQING_PORT = "10.0.0.5", 8080  # type: ignore[attr-defined]
    assert public_url("/alerts/") == "http://10.0.0.5:8080/alerts/"

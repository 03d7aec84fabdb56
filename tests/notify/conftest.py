"""Fixtures for delivery tests: fast delivery settings, local receivers, channels."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tests.notify.receivers import Receiver
from yuqing.notify import conf, wakeup, worker
from yuqing.notify.models import Channel
from yuqing.notify.pool import Senders
from yuqing.orgs.models import Unit

PUBLIC = "https://yuqing.example.gov.cn"


@pytest.fixture(autouse=True)
def _delivery_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YUQING_NOTIFY_TIMEOUT", "1")
    monkeypatch.setenv("YUQING_NOTIFY_BACKOFF", "30")
    monkeypatch.setenv("YUQING_NOTIFY_ATTEMPTS", "3")
    monkeypatch.setenv("YUQING_PUBLIC_URL", PUBLIC)
    conf.check()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def senders() -> Iterator[Senders]:
    """This process's sender threads; the test waits for every send it started."""
    pool = worker._senders()
    yield pool
    assert pool.wait_idle(10), "a send was still running after the test"
    wakeup.clear()


@pytest.fixture
def make_channel(units: dict[str, Unit]) -> Callable[..., Channel]:
    def make(kind: str, config: dict[str, Any] | None = None,
             secrets: dict[str, str] | None = None, **fields: Any) -> Channel:
        fields.setdefault("unit", units["district"])
        fields.setdefault("name", f"{kind} channel")
        return Channel.objects.create(kind=kind, config=config or {}, secrets=secrets or {},
                                      **fields)

    return make


@pytest.fixture(autouse=True)
def _english(client: Client, settings: object) -> Iterator[None]:
    """These tests read English messages; the interface defaults to Chinese."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # type: ignore[attr-defined]
    with translation.override("en"):
        yield

"""From a pushed item to a webhook received: the alert goes out once through the notify
worker to a real HTTP receiver on loopback, and re-runs do not send it again."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import connection

from tests.alerts.conftest import START, WATER, analyse, make_rule, make_scheme, push
from yuqing.alerts import schemes
from yuqing.alerts.models import Alert, AlertRule
from yuqing.analysis import queue, runner
from yuqing.collect.models import Source
from yuqing.notify import pool, worker
from yuqing.notify.models import Channel, Delivery, DeliveryStatus
from yuqing.orgs.models import Unit


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received.append(json.loads(body))  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads what arrived, not the log."""


@pytest.fixture
def receiver() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _send_due() -> None:
    senders = pool.senders(2, lambda: None)
    worker.dispatch(pool=senders)
    assert senders.wait_idle(10)


# The notify worker sends from its own threads, each with its own database connection: the
# test's data must be committed for them to see it.
@pytest.mark.django_db(transaction=True)
def test_alert_reaches_the_webhook_once(source: Source, units: dict[str, Unit],
                                        receiver: ThreadingHTTPServer,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YUQING_PUBLIC_URL", "https://yuqing.example.gov.cn")
    host, port = receiver.server_address[:2]
    Channel.objects.create(name="hook", kind="webhook", unit=units["district"],
                           config={"url": f"http://{host!s}:{port}/hook"})
    make_scheme(units["district"], "停水", "幸福小区 停水")
    make_rule(units["district"], AlertRule.Kind.NEGATIVE, name="负面")
    ids = push(source, [("1", WATER, START)])
    analyse()
    _send_due()
    alert = Alert.objects.get()
    [payload] = receiver.received  # type: ignore[attr-defined]
    assert payload["key"] == f"alert:{alert.pk}:1" and payload["severity"] == "warning"
    assert payload["url"] == f"https://yuqing.example.gov.cn/alerts/{alert.pk}/"
    assert "matched 幸福小区 + 停水 in scheme “停水”" in payload["body"]
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    with connection.cursor() as cursor:  # the batch again, as after a crash
        queue.enqueue(cursor, ids, START)
    runner.invalidate()
    schemes.invalidate()
    analyse()
    _send_due()
    assert len(receiver.received) == 1  # type: ignore[attr-defined]

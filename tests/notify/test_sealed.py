"""Channel secrets sealed at rest: not readable in the database or a dump, rotatable, and a
row sealed under a lost key fails its deliveries saying why instead of breaking the pages."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from yuqing.notify import worker
from yuqing.notify.models import Channel, Delivery
from yuqing.notify.sealed import PREFIX, Unreadable
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role

WEBHOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-ROBOT-KEY"


def _stored(channel: Channel) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM notify_channel WHERE id = %s", [channel.pk])
        value: str = cursor.fetchone()[0]
    return value


@pytest.mark.django_db
def test_the_database_and_a_dump_hold_only_the_sealed_form(
        make_channel: Callable[..., Channel], tmp_path: Path) -> None:
    channel = make_channel("wecom", secrets={"webhook": WEBHOOK})
    stored = _stored(channel)
    assert stored.startswith(PREFIX) and "SECRET-ROBOT-KEY" not in stored
    assert Channel.objects.get(pk=channel.pk).secrets == {"webhook": WEBHOOK}
    dump = io.StringIO()
    call_command("dumpdata", "notify.channel", stdout=dump)
    assert "SECRET-ROBOT-KEY" not in dump.getvalue()
    Channel.objects.all().delete()
    path = tmp_path / "channels.json"
    path.write_text(dump.getvalue(), encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)
    assert Channel.objects.get(pk=channel.pk).secrets == {"webhook": WEBHOOK}


@pytest.mark.django_db
def test_a_new_key_put_first_reads_old_rows_and_reseal_moves_them_to_it(
        settings: Any, make_channel: Callable[..., Channel]) -> None:
    settings.YUQING_SECRETS_KEYS = ["old key"]
    channel = make_channel("wecom", secrets={"webhook": WEBHOOK})
    sealed_under_old = _stored(channel)
    settings.YUQING_SECRETS_KEYS = ["new key", "old key"]
    assert Channel.objects.get(pk=channel.pk).secrets == {"webhook": WEBHOOK}
    out = io.StringIO()
    call_command("reseal", stdout=out)
    assert "resealed 1 channel(s)" in out.getvalue()
    assert _stored(channel) != sealed_under_old
    settings.YUQING_SECRETS_KEYS = ["new key"]
    assert Channel.objects.get(pk=channel.pk).secrets == {"webhook": WEBHOOK}


@pytest.mark.django_db
def test_a_row_sealed_under_a_lost_key_fails_its_delivery_and_the_page_still_opens(
        settings: Any, client: Client, units: dict[str, Unit],
        make_user: Callable[..., User], make_channel: Callable[..., Channel]) -> None:
    settings.YUQING_SECRETS_KEYS = ["lost key"]
    channel = make_channel("wecom", secrets={"webhook": WEBHOOK})
    settings.YUQING_SECRETS_KEYS = ["another key"]
    loaded = Channel.objects.get(pk=channel.pk)
    assert isinstance(loaded.secrets, Unreadable) and loaded.secrets == {}
    delivery = Delivery.objects.create(channel=channel, unit=channel.unit, title="t", body="b")
    outcome = worker.attempt(Delivery.objects.select_related("channel", "unit")
                             .get(pk=delivery.pk))
    assert not outcome.ok and not outcome.retry and "YUQING_SECRETS_KEY" in outcome.error
    client.force_login(make_user("root", Role.ADMIN, None))
    page = client.get(f"/notify/channels/{channel.pk}/")
    assert "cannot be opened" in page.content.decode()
    assert client.get(f"/notify/channels/{channel.pk}/edit/").status_code == 200
    with pytest.raises(ValueError, match="enter them again"), transaction.atomic():
        loaded.save()
    with pytest.raises(CommandError, match="not in YUQING_SECRETS_KEY"):
        call_command("reseal", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_plain_rows_and_its_reverse_opens_them(
        units: dict[str, Unit]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("notify", "0001_initial")])
    secrets = {"password": "mail-pass-123"}
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO notify_channel (name, kind, unit_id, include_subtree, min_severity,"
            " enabled, config, secrets, created_at, updated_at) VALUES"
            " ('mail', 'email', %s, %s, 'info', %s, '{}', %s, CURRENT_TIMESTAMP,"
            " CURRENT_TIMESTAMP)", [units["district"].pk, False, True, json.dumps(secrets)])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    channel = Channel.objects.get(name="mail")
    assert _stored(channel).startswith(PREFIX) and "mail-pass-123" not in _stored(channel)
    assert channel.secrets == secrets
    executor = MigrationExecutor(connection)
    executor.migrate([("notify", "0001_initial")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM notify_channel WHERE name = 'mail'")
        stored = cursor.fetchone()[0]
    assert (json.loads(stored) if isinstance(stored, str) else stored) == secrets
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

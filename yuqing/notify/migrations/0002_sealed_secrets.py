"""Channel secrets sealed at rest (see :mod:`yuqing.notify.sealed`): the column becomes text,
then every stored plain JSON value is sealed. Raw SQL, because the field class would try to
unseal the plain values it reads."""

import json
from typing import Any

from django.db import migrations

import yuqing.notify.sealed
from yuqing.notify.sealed import PREFIX, Unreadable, seal, unseal


def _rewrite(apps: Any, schema_editor: Any, forward: bool) -> None:
    table = schema_editor.quote_name(apps.get_model("notify", "Channel")._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secrets FROM {table}")
        for pk, stored in cursor.fetchall():
            if forward and not (stored or "").startswith(PREFIX):
                value = seal(json.loads(stored or "{}"))
            elif not forward and (stored or "").startswith(PREFIX):
                secrets = unseal(stored)
                if isinstance(secrets, Unreadable):
                    raise RuntimeError(f"channel {pk}: its secrets do not open with any key "
                                       "in YUQING_SECRETS_KEY")
                value = json.dumps(secrets)
            else:
                continue
            cursor.execute(f"UPDATE {table} SET secrets = %s WHERE id = %s", [value, pk])


def seal_rows(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, schema_editor, forward=True)


def unseal_rows(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, schema_editor, forward=False)


class Migration(migrations.Migration):

    dependencies = [
        ("notify", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="channel",
            name="secrets",
            field=yuqing.notify.sealed.SealedSecretsField(blank=True, default=dict),
        ),
        migrations.RunPython(seal_rows, unseal_rows),
    ]

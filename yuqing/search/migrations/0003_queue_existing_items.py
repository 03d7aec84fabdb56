"""Queue every item that exists when search is installed, so the index fills by itself.

The indexing job of ``yuqing run`` then indexes them in batches (thousands a second); on a
fresh install there is nothing to queue.
"""

from django.db import migrations
from django.utils import timezone


def queue_all(apps, schema_editor):
    connection = schema_editor.connection
    item = apps.get_model("collect", "Item")._meta.db_table
    pending = apps.get_model("search", "PendingItem")._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {connection.ops.quote_name(pending)} "
                       "(item_id, token, queued_at) "
                       f"SELECT id, 0, %s FROM {connection.ops.quote_name(item)}", [now])


class Migration(migrations.Migration):

    dependencies = [
        ("collect", "0006_sources_fetch_themselves"),
        ("search", "0002_postgres_documents"),
    ]

    operations = [
        migrations.RunPython(queue_all, migrations.RunPython.noop),
    ]

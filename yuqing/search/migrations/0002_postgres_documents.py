"""The PostgreSQL backend's table (see yuqing/search/backends/postgres.py).

On PostgreSQL only: on SQLite search uses the embedded index, and this migration does
nothing. The table is filled by the indexing job; after this migration on an existing
PostgreSQL deployment, run ``yuqing search reindex`` once.
"""

from django.db import migrations

CREATE = [
    """
    CREATE TABLE search_document (
        item_id bigint PRIMARY KEY,
        scope bigint[] NOT NULL,
        source_id bigint NOT NULL,
        event_id bigint,
        platform text NOT NULL,
        tier text NOT NULL,
        tone text NOT NULL,
        province text NOT NULL,
        city text NOT NULL,
        tkey bigint NOT NULL,
        hkey bigint NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        region text NOT NULL,
        grams tsvector
    )
    """,
    "CREATE INDEX search_document_grams ON search_document USING gin (grams)",
    # Rows whose bigrams were too many for a tsvector: always candidates, found by this.
    "CREATE INDEX search_document_nograms ON search_document (item_id) WHERE grams IS NULL",
    "CREATE INDEX search_document_scope ON search_document USING gin (scope)",
    "CREATE INDEX search_document_tkey ON search_document (tkey)",
    "CREATE INDEX search_document_hkey ON search_document (hkey)",
    "CREATE INDEX search_document_event ON search_document (event_id)",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in CREATE:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS search_document")


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]

"""Mark every hour that already has analysed items, so the rollup job counts them: a
deployment that had items before the dashboard existed gets its history (newest first)."""

from datetime import UTC

from django.db import migrations
from django.db.models.functions import Coalesce, TruncHour


def mark_all(apps, schema_editor):  # type: ignore[no-untyped-def]
    analyses = apps.get_model("analysis", "ItemAnalysis")
    dirty = apps.get_model("reports", "DirtyHour")
    hours = (analyses.objects
             .annotate(hour=TruncHour(Coalesce("item__published_at", "item__collected_at"),
                                      tzinfo=UTC))
             .values_list("item__unit_id", "hour").distinct().order_by())
    marks = [dirty(unit_id=unit, hour=hour) for unit, hour in hours.iterator()]
    dirty.objects.bulk_create(marks, batch_size=5000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("analysis", "0001_initial")]
    operations = [migrations.RunPython(mark_all, migrations.RunPython.noop)]

"""Levels I–IV (特别重大/重大/较大/一般) with their deadlines and a starting taxonomy; offices
rename, redefine and extend them on the case settings pages."""

from django.db import migrations


def add_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    from yuqing.cases.defaults import seed

    seed(apps.get_model("cases", "CaseLevel"), apps.get_model("cases", "Category"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]

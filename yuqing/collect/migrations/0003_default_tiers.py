"""The default credibility tiers; offices may rename, add or re-rank them in the admin."""

from django.db import migrations

TIERS = [
    ("central_media", "中央媒体", 1),
    ("local_media", "省级/地方媒体", 2),
    ("government", "政务账号", 3),
    ("self_media", "自媒体", 4),
    ("individual", "论坛/个人", 5),
]


def add_tiers(apps, schema_editor):  # type: ignore[no-untyped-def]
    tier = apps.get_model("collect", "CredibilityTier")
    for code, name, rank in TIERS:
        tier.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})


class Migration(migrations.Migration):
    dependencies = [("collect", "0002_initial")]
    operations = [migrations.RunPython(add_tiers, migrations.RunPython.noop)]

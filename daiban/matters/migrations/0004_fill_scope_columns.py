"""Fill the per-level scope columns of existing matters from region_path (one UPDATE per region)."""

from django.db import migrations


def fill(apps, schema_editor):
    Matter = apps.get_model("matters", "Matter")
    paths = Matter.objects.values_list("region_path", flat=True).distinct()
    for path in list(paths):
        parts = [p for p in path.split("/") if p] + ["", "", ""]
        Matter.objects.filter(region_path=path).update(
            scope_city=parts[0], scope_county=parts[1], scope_township=parts[2]
        )


class Migration(migrations.Migration):
    dependencies = [("matters", "0003_scope_columns")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

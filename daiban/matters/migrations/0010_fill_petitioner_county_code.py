"""Data: each person's county is the county of their earliest matter. A person recorded twice in one county
(the concurrent-intake bug this constraint closes) becomes one row: the later rows' matter links move to the
earliest row, which keeps its name (reversible: the county is cleared; merged rows are not split again)."""

from django.db import migrations


def _county(path):
    codes = [c for c in (path or "").split("/") if c]
    return codes[1] if len(codes) > 1 else (codes[0] if codes else "")


def forwards(apps, schema_editor):
    Petitioner = apps.get_model("matters", "Petitioner")
    MatterPetitioner = apps.get_model("matters", "MatterPetitioner")
    first_path = {}
    for link in MatterPetitioner.objects.select_related("matter").order_by("matter__received_at", "id"):
        first_path.setdefault(link.petitioner_id, link.matter.region_path)
    keep = {}
    for person in Petitioner.objects.order_by("id"):
        county = _county(first_path.get(person.pk, ""))
        key = (
            (county, "id", person.id_number_hash)
            if person.id_number_hash
            else (county, "phone", person.phone_hash, person.name)
            if person.phone_hash
            else None
        )
        if key is not None and key in keep:
            survivor = keep[key]
            for link in MatterPetitioner.objects.filter(petitioner_id=person.pk):
                if MatterPetitioner.objects.filter(matter_id=link.matter_id, petitioner_id=survivor).exists():
                    link.delete()
                else:
                    link.petitioner_id = survivor
                    link.save(update_fields=["petitioner"])
            person.delete()
            continue
        if key is not None:
            keep[key] = person.pk
        person.county_code = county
        person.save(update_fields=["county_code"])


def backwards(apps, schema_editor):
    apps.get_model("matters", "Petitioner").objects.update(county_code="")


class Migration(migrations.Migration):
    dependencies = [("matters", "0009_petitioner_county_code")]

    operations = [migrations.RunPython(forwards, backwards)]

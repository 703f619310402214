"""Data: events written before the workflow registry used a few kinds of their own; each becomes the key
of the action that wrote it, with the variant kept in its details (reversible)."""

from django.db import migrations

# old kind -> (new kind, details key, details value)
RENAMED = {
    "supervise": ("press", "supervise", True),
    "request_reexam": ("request_review", "kind", "reexam"),
    "decide_reexam": ("decide_review", "kind", "reexam"),
}
# Kinds that stay, but whose variant is now kept in the details too.
KEPT = {
    "press": ("supervise", False),
    "request_review": ("kind", "review"),
    "decide_review": ("kind", "review"),
}


def forwards(apps, schema_editor):
    Event = apps.get_model("matters", "Event")
    for old, (new, key, value) in RENAMED.items():
        for event in Event.objects.filter(kind=old).iterator(chunk_size=500):
            event.kind = new
            event.details = {**(event.details or {}), key: value}
            event.save(update_fields=["kind", "details"])
    for kind, (key, value) in KEPT.items():
        for event in Event.objects.filter(kind=kind).iterator(chunk_size=500):
            if key not in (event.details or {}):
                event.details = {**(event.details or {}), key: value}
                event.save(update_fields=["details"])


def backwards(apps, schema_editor):
    Event = apps.get_model("matters", "Event")
    for old, (new, key, value) in RENAMED.items():
        for event in Event.objects.filter(kind=new).iterator(chunk_size=500):
            if (event.details or {}).get(key) == value:
                event.kind = old
                event.save(update_fields=["kind"])


class Migration(migrations.Migration):
    dependencies = [("matters", "0006_event_kind_choices")]

    operations = [migrations.RunPython(forwards, backwards)]

from django.db import migrations, models


class Migration(migrations.Migration):
    """The same person is one row within a county (by ID number; without one, by phone and name)."""

    dependencies = [
        ("matters", "0010_fill_petitioner_county_code"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='petitioner',
            constraint=models.UniqueConstraint(condition=models.Q(('id_number_hash', ''), _negated=True), fields=('county_code', 'id_number_hash'), name='petitioner_one_per_id_in_county'),
        ),
        migrations.AddConstraint(
            model_name='petitioner',
            constraint=models.UniqueConstraint(condition=models.Q(('id_number_hash', ''), models.Q(('phone_hash', ''), _negated=True)), fields=('county_code', 'phone_hash', 'name'), name='petitioner_one_per_phone_and_name_in_county'),
        ),
    ]

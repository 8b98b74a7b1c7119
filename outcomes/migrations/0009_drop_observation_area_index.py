"""Observation.area: no index of its own (every read names its indicators and uses the unique key's index).

The index cost a sixth of storing a million rows (docs/benchmarks.md). It is dropped by name rather than by
AlterField, because on SQLite AlterField rebuilds the table and would lose the reference triggers of migration
0006 with the old table.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "outcomes_observation_area_id_51b432bb"  # Django's name for the ForeignKey's index (both databases)


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0008_observation_references_in_one_pass"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    f"CREATE INDEX IF NOT EXISTS {INDEX} ON outcomes_observation (area_id)",
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="observation",
                    name="area",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="observations",
                        to="outcomes.area",
                    ),
                ),
            ],
        ),
    ]

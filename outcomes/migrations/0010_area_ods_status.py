"""Area.ods_status: the status NHS ODS gives a practice (active, closed, dormant, proposed), from epraccur.

Added with one ALTER TABLE ... ADD COLUMN on both databases rather than Django's AddField: on SQLite, AddField of
a NOT NULL column rebuilds the table, and the rename that ends the rebuild fails on the observation reference
triggers of migration 0006, which name outcomes_area. The column's database default ('') only serves existing
rows; Django always writes the value.
"""

from django.db import migrations, models

ADD = "ALTER TABLE outcomes_area ADD COLUMN ods_status varchar(10) NOT NULL DEFAULT ''"
DROP = "ALTER TABLE outcomes_area DROP COLUMN ods_status"


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0009_drop_observation_area_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD, DROP)],
            state_operations=[
                migrations.AddField(
                    model_name="area",
                    name="ods_status",
                    field=models.CharField(
                        blank=True,
                        choices=[
                            ("active", "Active"),
                            ("closed", "Closed"),
                            ("dormant", "Dormant"),
                            ("proposed", "Proposed"),
                        ],
                        default="",
                        help_text=(
                            "The status NHS ODS gives the organisation (practices: from epraccur); "
                            "blank until a file says."
                        ),
                        max_length=10,
                    ),
                )
            ],
        ),
    ]

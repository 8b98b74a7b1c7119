"""Extract.member: for a ZIP download, the file inside it that was read (or that the sender named).

Added with one ALTER TABLE ... ADD COLUMN on both databases rather than Django's AddField, as in 0010: on SQLite,
AddField of a NOT NULL column rebuilds the table, and the rename that ends the rebuild fails on the observation
reference triggers of migration 0006, which name outcomes_extract. The database default ('') only serves
existing rows; Django always writes the value.
"""

from django.db import migrations, models

ADD = "ALTER TABLE outcomes_extract ADD COLUMN member varchar(255) NOT NULL DEFAULT ''"
DROP = "ALTER TABLE outcomes_extract DROP COLUMN member"


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0017_pcn_ods_codes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD, DROP)],
            state_operations=[
                migrations.AddField(
                    model_name="extract",
                    name="member",
                    field=models.CharField(
                        blank=True,
                        default="",
                        help_text="For a ZIP download: the file inside it that was read (or that the sender named).",
                        max_length=255,
                    ),
                )
            ],
        ),
    ]

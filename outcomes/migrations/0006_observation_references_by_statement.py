"""Observation's four references checked once per statement by triggers, not once per row by FK constraints.

See docs/adr/0006-observation-references-checked-per-statement.md. The SQL is frozen here (not imported) so
the migration means the same thing whatever the code later becomes.

PostgreSQL: after each INSERT or UPDATE statement on outcomes_observation, the distinct ids it wrote are
locked FOR KEY SHARE in the referenced tables (as a foreign key check would lock each row) and a missing one
fails the statement with foreign_key_violation (SQLSTATE 23503). Deleting a referenced row, or changing its
id, while an observation points at it fails the same way (row triggers, as a NO ACTION foreign key does).
SQLite (development and tests): row triggers check inserts and updates of observations.
"""

from django.db import migrations, models

REFERENCES = [  # (column, referenced table)
    ("area_id", "outcomes_area"),
    ("indicator_id", "outcomes_indicator"),
    ("extract_id", "outcomes_extract"),
    ("superseded_by_id", "outcomes_extract"),
]
REFERENCED = {  # referenced table -> the observation columns that point at it
    "outcomes_area": ["area_id"],
    "outcomes_indicator": ["indicator_id"],
    "outcomes_extract": ["extract_id", "superseded_by_id"],
}


def _pg_statement_check(column: str, table: str) -> str:
    return f"""
    WITH ids AS (SELECT DISTINCT {column} AS id FROM new_rows WHERE {column} IS NOT NULL),
         locked AS (SELECT r.id FROM {table} r WHERE r.id IN (SELECT id FROM ids) FOR KEY SHARE)
    SELECT (SELECT count(*) FROM ids), (SELECT count(*) FROM locked) INTO wanted, found;
    IF found < wanted THEN
        SELECT min(n.{column}) INTO missing FROM new_rows n
        WHERE n.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {table} r WHERE r.id = n.{column});
        RAISE foreign_key_violation USING
            MESSAGE = format('insert or update on table "outcomes_observation" violates its reference '
                             '{column} -> {table}: key (%s) is not present', missing);
    END IF;"""


PG_INSTALL = [
    f"""CREATE FUNCTION outcomes_observation_check_references() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    wanted bigint;
    found bigint;
    missing bigint;
BEGIN{"".join(_pg_statement_check(column, table) for column, table in REFERENCES)}
    RETURN NULL;
END
$fn$""",
    "CREATE TRIGGER observation_references_on_insert AFTER INSERT ON outcomes_observation "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION outcomes_observation_check_references()",
    "CREATE TRIGGER observation_references_on_update AFTER UPDATE ON outcomes_observation "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION outcomes_observation_check_references()",
]
for _table, _columns in REFERENCED.items():
    _used = " OR ".join(f"o.{c} = OLD.id" for c in _columns)
    PG_INSTALL += [
        f"""CREATE FUNCTION {_table}_keep_observed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF EXISTS (SELECT 1 FROM outcomes_observation o WHERE {_used}) THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('%s on table "{_table}" violates a reference from "outcomes_observation": '
                             'key (%s) is still referenced', TG_OP, OLD.id);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$fn$""",
        f"CREATE TRIGGER {_table}_keep_observed_on_delete BEFORE DELETE ON {_table} "
        f"FOR EACH ROW EXECUTE FUNCTION {_table}_keep_observed()",
        f"CREATE TRIGGER {_table}_keep_observed_on_rekey BEFORE UPDATE OF id ON {_table} "
        f"FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION {_table}_keep_observed()",
    ]
PG_REMOVE = [
    "DROP TRIGGER observation_references_on_insert ON outcomes_observation",
    "DROP TRIGGER observation_references_on_update ON outcomes_observation",
    "DROP FUNCTION outcomes_observation_check_references()",
    *[f"DROP TRIGGER {t}_keep_observed_on_delete ON {t}" for t in REFERENCED],
    *[f"DROP TRIGGER {t}_keep_observed_on_rekey ON {t}" for t in REFERENCED],
    *[f"DROP FUNCTION {t}_keep_observed()" for t in REFERENCED],
]

_sqlite_missing = " OR ".join(
    f"(NEW.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {table} WHERE id = NEW.{column}))"
    for column, table in REFERENCES
)
SQLITE_INSTALL = [
    f"CREATE TRIGGER observation_references_on_{event} BEFORE {event.upper()}{columns} ON outcomes_observation "
    f"FOR EACH ROW WHEN {_sqlite_missing} BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed'); END"
    for event, columns in (("insert", ""), ("update", " OF " + ", ".join(c for c, _ in REFERENCES)))
]
SQLITE_REMOVE = [f"DROP TRIGGER observation_references_on_{event}" for event in ("insert", "update")]


def install(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": PG_INSTALL, "sqlite": SQLITE_INSTALL}.get(vendor, []):
        schema_editor.execute(sql, None)  # no parameters: the % in format() strings is plpgsql's


def remove(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": PG_REMOVE, "sqlite": SQLITE_REMOVE}.get(vendor, []):
        schema_editor.execute(sql, None)  # no parameters: the % in format() strings is plpgsql's


def _reference(to: str, related_name: str, **options) -> models.ForeignKey:
    return models.ForeignKey(
        db_constraint=False, on_delete=models.deletion.PROTECT, related_name=related_name, to=to, **options
    )


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0005_target_definition_hash"),
    ]

    operations = [
        migrations.AlterField(model_name="observation", name="area", field=_reference("outcomes.area", "observations")),
        migrations.AlterField(
            model_name="observation",
            name="indicator",
            field=_reference("outcomes.indicator", "observations", db_index=False),
        ),
        migrations.AlterField(
            model_name="observation",
            name="extract",
            field=_reference("outcomes.extract", "observations", db_index=False),
        ),
        migrations.AlterField(
            model_name="observation",
            name="superseded_by",
            field=_reference("outcomes.extract", "superseded_observations", blank=True, db_index=False, null=True),
        ),
        migrations.RunPython(install, remove, elidable=False),
    ]

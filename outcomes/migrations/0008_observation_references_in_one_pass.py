"""The observation reference trigger reads the statement's rows once, not once per reference.

Migration 0006's function took the distinct ids of each of the four references in turn, so a million-row COPY
scanned its transition table four times (about a tenth of storing the rows). This one takes the distinct
combinations of the four references in one pass (there are a few hundred: areas by extract) and checks each
reference's ids from those. What it locks, and the error it raises, are unchanged (docs/adr/0006). The SQL is
frozen here; reversing restores 0006's function.
"""

import importlib

from django.db import migrations

REFERENCES = [  # (column, referenced table, the variable holding its distinct ids)
    ("area_id", "outcomes_area", "areas"),
    ("indicator_id", "outcomes_indicator", "indicators"),
    ("extract_id", "outcomes_extract", "extracts"),
    ("superseded_by_id", "outcomes_extract", "superseding"),
]


def _check(column: str, table: str, ids: str) -> str:
    return f"""
    WITH locked AS (SELECT r.id FROM {table} r WHERE r.id = ANY({ids}) FOR KEY SHARE)
    SELECT count(*) INTO found FROM locked;
    IF found < coalesce(cardinality({ids}), 0) THEN
        SELECT min(i) INTO missing FROM unnest({ids}) AS i WHERE NOT EXISTS (SELECT 1 FROM {table} r WHERE r.id = i);
        RAISE foreign_key_violation USING
            MESSAGE = format('insert or update on table "outcomes_observation" violates its reference '
                             '{column} -> {table}: key (%s) is not present', missing);
    END IF;"""


ONE_PASS = f"""CREATE OR REPLACE FUNCTION outcomes_observation_check_references() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    areas bigint[];
    indicators bigint[];
    extracts bigint[];
    superseding bigint[];
    found bigint;
    missing bigint;
BEGIN
    WITH combinations AS (SELECT DISTINCT area_id, indicator_id, extract_id, superseded_by_id FROM new_rows)
    SELECT array_agg(DISTINCT area_id) FILTER (WHERE area_id IS NOT NULL),
           array_agg(DISTINCT indicator_id) FILTER (WHERE indicator_id IS NOT NULL),
           array_agg(DISTINCT extract_id) FILTER (WHERE extract_id IS NOT NULL),
           array_agg(DISTINCT superseded_by_id) FILTER (WHERE superseded_by_id IS NOT NULL)
    INTO areas, indicators, extracts, superseding FROM combinations;{"".join(_check(*r) for r in REFERENCES)}
    RETURN NULL;
END
$fn$"""


def _previous() -> str:
    earlier = importlib.import_module("outcomes.migrations.0006_observation_references_by_statement")
    return earlier.PG_INSTALL[0].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


def install(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ONE_PASS, None)  # no parameters: the % in format() strings is plpgsql's


def restore(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_previous(), None)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0007_drop_series_index")]

    operations = [migrations.RunPython(install, restore, elidable=False)]

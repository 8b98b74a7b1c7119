"""`manage.py export_indicator_definitions`: approved definitions written as reviewed TOML files that load back
(with the loader `load_reference_data` uses) to the same definition."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.forms.models import model_to_dict

from outcomes.models import Area, Indicator, IndicatorDraft
from outcomes.reference import INDICATOR_FIELDS, load_indicator_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(django_user_model) -> Indicator:
    analyst = django_user_model.objects.get(username="analyst")
    admin = django_user_model.objects.get(username="admin")
    indicator = Indicator.objects.create(
        code="FT_93999_WALK",
        name='Adults who walk to work ("active travel")',
        definition="Adults who walk to work.\nSecond line, with a backslash \\ and unicode \u00e9 letter.",
        unit="percent",
        multiplier=100,
        polarity="high_is_good",
        frequency="annual",
        period_months=12,
        interval_method="wilson",
        levels=["borough", "country"],
        source="OHID Fingertips",
        source_url="https://fingertips.phe.org.uk/search/93999",
        fingertips={"id": 93999, "sex": "Persons", "age": "18+ yrs"},
    )
    IndicatorDraft.objects.create(
        status="approved",
        fingertips_id=93999,
        code=indicator.code,
        name=indicator.name,
        definition=indicator.definition,
        frequency="annual",
        levels=["borough"],
        created_by=analyst,
        approved_by=admin,
        approved_at="2026-01-01T00:00Z",
        indicator=indicator,
    )
    return indicator


def _definition(indicator: Indicator) -> dict:
    return {k: v for k, v in model_to_dict(indicator).items() if k in INDICATOR_FIELDS or k == "code"}


def test_the_exported_file_loads_back_to_the_same_definition(approved, tmp_path):
    out = io.StringIO()
    call_command("export_indicator_definitions", out=str(tmp_path), stdout=out)
    path = tmp_path / "FT_93999_WALK.toml"
    assert [p.name for p in tmp_path.iterdir()] == [path.name] and "1 definition written" in out.getvalue()
    before = _definition(approved)
    approved.delete()  # load into a database without it: the file alone must carry the definition
    loaded, targets, _ = load_indicator_file(path, {a.code: a for a in Area.objects.all()})
    assert _definition(loaded) == before and targets == 0
    text = path.read_text()
    import tomllib  # key order follows the database (PostgreSQL's jsonb sorts keys): compare the values

    assert tomllib.loads(text)["fingertips"] == {"id": 93999, "sex": "Persons", "age": "18+ yrs"}
    assert 'levels = ["borough", "country"]' in text


def test_an_exported_reference_definition_round_trips_too(tmp_path):
    """--code exports any indicator without targets, e.g. one of the reviewed files."""
    code = next(i.code for i in Indicator.objects.filter(fingertips__has_key="id") if not i.targets.exists())
    call_command("export_indicator_definitions", code=code, out=str(tmp_path), stdout=io.StringIO())
    before = _definition(Indicator.objects.get(code=code))
    Indicator.objects.filter(code=code).update(name="changed", levels=["practice"], fingertips={})
    loaded, _, _ = load_indicator_file(tmp_path / f"{code}.toml", {a.code: a for a in Area.objects.all()})
    assert _definition(loaded) == before


def test_files_with_targets_or_plan_values_are_not_overwritten(approved, tmp_path):
    existing = tmp_path / "FT_93999_WALK.toml"
    text = 'code = "FT_93999_WALK"\n\n[[observations]]\narea = "E09000015"\nvalue = 1.0\n'
    existing.write_text(text)
    with pytest.raises(CommandError, match="holds targets or plan values"):
        call_command("export_indicator_definitions", out=str(tmp_path), stdout=io.StringIO())
    assert existing.read_text() == text


def test_an_unknown_code_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No indicator has the code 'NOPE'"):
        call_command("export_indicator_definitions", code="NOPE", out=str(tmp_path), stdout=io.StringIO())


def test_an_indicator_with_targets_is_refused(tmp_path):
    code = Indicator.objects.filter(targets__isnull=False).values_list("code", flat=True).first()
    with pytest.raises(CommandError, match="has targets"):
        call_command("export_indicator_definitions", code=code, out=str(tmp_path), stdout=io.StringIO())
    assert not list(tmp_path.iterdir())

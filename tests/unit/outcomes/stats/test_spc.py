"""XmR SPC against the published reference vectors (tests/data/reference-vectors/spc.json), plus hand-worked cases
for the options the vectors do not cover (rebasing, MDC 2023 two-in-three, 6-point runs, short series).

The vectors are read through `vectors.py` from tests/data/reference-vectors (sources and licences in its README), or
from $HARROW_REFERENCE_VECTORS. If they are missing every vector test fails, naming the path."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from outcomes.stats.spc import assurance_type, rules, spc, spc_many

from . import vectors as rv
from .test_spc_rules import (
    as_bits,
    as_list,
    shift_marks,
    shift_sides,
    trend_directions,
    trend_marks,
    two_in_three_points,
    two_in_three_windows,
)

MISSING = rv.missing_message("spc")

# computed_extra values are printed at full precision, so they are held to a tighter bound than the peers'.
EXTRA_TOLERANCE = {"abs": 1e-12, "rel": 1e-12}
GROUP_KEYS = ("first_index", "n", "mean", "amr", "lpl", "upl", "near_lpl", "near_upl")


DATA = rv.load_or_none("spc")  # the single loader (default folder or $HARROW_REFERENCE_VECTORS)


def _params(section: str, ident) -> list:
    if DATA is None:
        return [pytest.param(None, id=f"{section}-reference-vectors-missing")]
    return [pytest.param(item, id=ident(i, item)) for i, item in enumerate(DATA[section])]


def _rule_id(i: int, unit: dict) -> str:
    name = re.split(r"[ (]", unit["function"].replace("PowerBI-SPC ", "pbi_"))[0]
    return f"{i:02d}-{name}"


# ----------------------------------------------------------------------------------------------------------------
# Comparison helpers (README: |got - exp| <= max(abs, rel*|exp|); rel only and exp == 0 -> abs 1e-12; null = NaN).


def assert_close(got: float, exp: float | None, tol: dict | None, what: str) -> None:
    if exp is None:
        assert math.isnan(got), f"{what}: expected NaN (null), got {got}"
        return
    tol = tol or {"abs": 1e-12}
    abs_tol, rel_tol = tol.get("abs"), tol.get("rel")
    if abs_tol is None:
        abs_tol = 1e-12 if exp == 0 or rel_tol is None else 0.0
    bound = max(abs_tol, (rel_tol or 0.0) * abs(exp))
    assert abs(got - exp) <= bound, f"{what}: got {got!r}, expected {exp!r} (bound {bound:g})"


def ptd_point_types(result) -> list[str]:
    """Our point types in PTD's vocabulary (PTD splits neutral special cause into _high and _low)."""
    return [
        f"special_cause_neutral_{'high' if d > 0 else 'low'}" if pt == "special_cause_neutral" else str(pt)
        for pt, d in zip(result.point_type, result.direction, strict=True)
    ]


OPTION_NAMES = {
    "improvement_direction": "improvement",
    "screen_outliers": "screen_outliers",
    "fix_after_n_points": "fix_after_n_points",
    "rebase_at_index": "rebase_at",
    "target": "target",
    "two_in_three_rule": "two_in_three_rule",
    "shift_length": "shift_length",
    "trend_length": "trend_length",
}


def run_vector(values, options: dict):
    unknown = set(options) - set(OPTION_NAMES)
    assert not unknown, f"vector uses options this test does not know how to pass: {sorted(unknown)}"
    return spc(values, **{OPTION_NAMES[k]: v for k, v in options.items()})


PER_POINT = ("relative_to_mean", "outside_limits", "close_to_limits", "special_cause_type", "special_cause_flag")
SCALAR_LINES = {"mean": "mean", "lpl": "lpl", "upl": "upl", "near_lpl": "near_lpl", "near_upl": "near_upl"}
PBI_LINES = {"ul99": "upl", "ul95": "near_upl", "ll95": "near_lpl", "ll99": "lpl"}


def per_point(result, name: str) -> list:
    if name == "point_type":
        return ptd_point_types(result)
    return getattr(result, name).tolist()


def check_expected(result, expected: dict, tol: dict | None) -> None:
    """Every expected key must be handled: an unknown one fails rather than passing unchecked."""
    named_indices = set()
    for key, exp in expected.items():
        if key in SCALAR_LINES or key in PBI_LINES:
            line = getattr(result, SCALAR_LINES.get(key) or PBI_LINES[key])
            for i, got in enumerate(line):
                assert_close(float(got), exp, tol, f"{key}[{i}]")
        elif key == "mean_col":
            for i, got in enumerate(result.mean):
                assert_close(float(got), exp, tol, f"mean[{i}]")
        elif key.endswith("_prefix"):
            name = key.removesuffix("_prefix")
            assert per_point(result, name)[: len(exp)] == exp, key
        elif key in (*PER_POINT, "point_type"):
            assert per_point(result, key) == exp, key
        elif key in ("variation_type", "variation_icon", "assurance_type"):
            assert getattr(result, key) == exp, key
        elif key == "summary":
            check_counts(result, exp)
        elif key in ("n", "common_cause", "special_cause_improvement", "special_cause_concern"):
            check_counts(result, {key: exp})
        elif m := re.fullmatch(r"point_type_at_index_(\d+)", key):
            named_indices.add(int(m.group(1)))
            assert ptd_point_types(result)[int(m.group(1))] == exp, key
        elif key == "other_points":
            continue  # checked below, once every named index is known
        elif key == "point_type_last_two":
            assert ptd_point_types(result)[-2:] == exp, key
        elif key == "consecutive_improvement_points_from_shift_rule":
            shift_improvement = [
                t.endswith(("Points Above CL", "Points Below CL")) and pt == "special_cause_improvement"
                for t, pt in zip(result.special_cause_type, result.point_type, strict=True)
            ]
            assert longest_run(shift_improvement) == exp, key
        else:
            pytest.fail(f"no check written for expected key {key!r}")
    if "other_points" in expected:
        others = [pt for i, pt in enumerate(ptd_point_types(result)) if i not in named_indices]
        assert others and all(pt == expected["other_points"] for pt in others), "other_points"


def check_counts(result, counts: dict) -> None:
    types = ptd_point_types(result)
    for key, exp in counts.items():
        got = len(types) if key == "n" else types.count(key)
        assert got == exp, f"summary {key}: got {got}, expected {exp}"


def longest_run(flags: list[bool]) -> int:
    best = run = 0
    for flag in flags:
        run = run + 1 if flag else 0
        best = max(best, run)
    return best


def check_extra(result, extra: dict) -> None:
    for key, exp in extra.items():
        if key == "groups":
            assert len(result.groups) == len(exp), "number of groups"
            for got_group, exp_group in zip(result.groups, exp, strict=True):
                check_group(got_group, exp_group)
        elif key in (*PER_POINT, "point_type"):
            assert per_point(result, key) == exp, f"computed_extra {key}"
        elif key in ("variation_type", "variation_icon", "assurance_type"):
            assert getattr(result, key) == exp, f"computed_extra {key}"
        elif key == "mdc_2_66":
            check_group(result.groups[-1], exp)
        elif key != "note":
            pytest.fail(f"no check written for computed_extra key {key!r}")


def check_group(got, exp: dict) -> None:
    assert set(exp) == set(GROUP_KEYS), f"unexpected group keys {sorted(exp)}"
    for key in GROUP_KEYS:
        assert_close(float(getattr(got, key)), exp[key], EXTRA_TOLERANCE, f"group.{key}")


# ----------------------------------------------------------------------------------------------------------------
# Vector tests.


@pytest.mark.parametrize("vector", _params("vectors", lambda i, v: v["id"]))
def test_series_vector(vector):
    if vector is None:
        pytest.fail(MISSING)
    inputs, options = vector["input"], vector["input"]["options"]
    tol = vector.get("tolerance")
    if "facets" in inputs:
        for facet, values in inputs["facets"].items():
            result = run_vector(values, options)
            check_expected(result, vector["expected"][facet], tol)
            check_extra(result, vector.get("computed_extra", {}).get(facet, {}))
        return
    result = run_vector(inputs["values"], options)
    check_expected(result, vector["expected"], tol)
    check_extra(result, vector.get("computed_extra", {}))


@pytest.mark.parametrize("vector", _params("vectors", lambda i, v: v["id"]))
def test_series_vector_batch_path_agrees(vector):
    """spc_many shares the kernel; on every single-group vector it must give the same answer as spc."""
    if vector is None:
        pytest.fail(MISSING)
    options = dict(vector["input"]["options"])
    if options.pop("rebase_at_index", None):
        pytest.skip("spc_many does not rebase")
    series = list(vector["input"].get("facets", {}).values()) or [vector["input"]["values"]]
    for values in series:
        single = run_vector(values, vector["input"]["options"])
        batch = spc_many(np.array([values], dtype=float), **{OPTION_NAMES[k]: v for k, v in options.items()})
        assert batch.point_type[0].tolist() == single.point_type.tolist()
        assert batch.special_cause_type[0].tolist() == single.special_cause_type.tolist()
        assert batch.variation_icon[0] == single.variation_icon
        assert batch.assurance_type[0] == single.assurance_type
        np.testing.assert_array_equal(batch.upl[0], single.groups[0].upl)


def test_vectors_present_and_ids_unique():
    if DATA is None:
        pytest.fail(MISSING)
    ids = [v["id"] for v in DATA["vectors"]]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 23 and len(DATA["rule_units"]) >= 43 and len(DATA["assurance_units"]) >= 6


@pytest.mark.parametrize("vector", _params("vectors", lambda i, v: v["id"]))
def test_disputed_vectors_name_their_option(vector):
    """A disputed vector must say, in its options, which reading it follows; test_series_vector then runs it
    under that option."""
    if vector is None:
        pytest.fail(MISSING)
    if not vector.get("disputed"):
        return
    named = set(vector["input"]["options"]) & {"two_in_three_rule", "shift_length", "trend_length", "screen_outliers"}
    assert named, f"disputed vector {vector['id']} does not name the option it follows"


def _rule_unit_result(unit: dict) -> list:
    fn, inp = unit["function"], unit["input"]
    if fn.startswith("seven_point_one_side_mean"):
        return shift_marks(inp["relative_to_mean"], 7)
    if fn.startswith("part_of_seven"):
        return as_list(rules.part_of_run(as_bits(inp["v"]), 7), len(inp["v"]))
    if fn.startswith("seven_point_trend"):
        return trend_marks(inp["y"], 7)
    if fn.startswith("part_of_two_in_three"):
        return two_in_three_points(inp["close_to_limits"], inp["relative_to_mean"])
    if fn.startswith("two_in_three"):
        return two_in_three_windows(inp["close_to_limits"], inp["relative_to_mean"])
    names = {1: "upper", -1: "lower", 0: "none"}
    if fn.startswith("PowerBI-SPC trend"):
        return [names[d] for d in trend_directions(inp["values"], inp["n"])]
    if fn.startswith("PowerBI-SPC shift"):
        rel = np.sign(np.asarray(inp["values"], float) - np.asarray(inp["centre"], float))
        return [names[d] for d in shift_sides(rel, inp["n"])]
    pytest.fail(f"no rule function mapped for {fn!r}")


@pytest.mark.parametrize("unit", _params("rule_units", _rule_id))
def test_rule_unit(unit):
    if unit is None:
        pytest.fail(MISSING)
    assert _rule_unit_result(unit) == unit["expected"]


@pytest.mark.parametrize(
    "unit", _params("assurance_units", lambda i, u: f"{i:02d}-{u['input']['improvement_direction']}")
)
def test_assurance_unit(unit):
    if unit is None:
        pytest.fail(MISSING)
    inp = unit["input"]
    if "rows_in_order" in inp:
        last = inp["rows_in_order"][-1]  # only the most recent group's limits count
        assert assurance_type(last["lpl"], last["upl"], inp["target"], inp["improvement_direction"]) == unit["expected"]
        return
    got = [
        assurance_type(lpl, upl, inp["target"], inp["improvement_direction"])
        for lpl, upl in zip(inp["lpl"], inp["upl"], strict=True)
    ]
    assert got == unit["expected"]


def test_icon_mapping_vocabulary():
    """Our variation icons and assurance types use spc.json's icon_mapping names."""
    if DATA is None:
        pytest.fail(MISSING)
    mapping = DATA["icon_mapping"]
    for improvement in ("increase", "decrease", "neutral"):
        for values in ([0, 1, 2, 3, 4, 5, 6, 7], [7, 6, 5, 4, 3, 2, 1, 0], [1, 2, 1, 2, 1, 2, 1, 2]):
            result = spc(values, improvement=improvement, target=1.5)
            assert result.variation_icon in mapping["variation"].values()
            assert ("null" if result.assurance_type is None else result.assurance_type) in mapping["assurance"]


# ----------------------------------------------------------------------------------------------------------------
# Hand-worked cases for what the vectors do not cover.


def test_rebase_groups_have_own_limits_and_runs():
    # Two periods of 12: [1,3,...] (mean 2, every moving range 2) then [11,13,...] (mean 12, moving ranges 2).
    values = [1, 3] * 6 + [11, 13] * 6
    result = spc(values, rebase_at=[12])
    first, second = result.groups
    assert (first.first_index, first.n, first.mean, first.amr) == (0, 12, 2.0, 2.0)
    assert (second.first_index, second.n, second.mean, second.amr) == (12, 12, 12.0, 2.0)
    assert second.upl == pytest.approx(12 + 2.66 * 2) and second.lpl == pytest.approx(12 - 2.66 * 2)
    assert math.isnan(result.moving_range[12]), "no moving range across a rebase"
    assert result.group_index.tolist() == [0] * 12 + [1] * 12
    assert set(result.point_type) == {"common_cause"}
    # Without the rebase: mean 7, both halves are runs of 12 on one side of it.
    assert spc(values).shift.all()


def test_rebase_equals_separate_charts():
    rng = np.random.default_rng(7)
    values = np.concatenate([rng.normal(10, 1, 15), rng.normal(14, 1, 20), rng.normal(12, 3, 13)])
    whole = spc(values, rebase_at=[15, 35], target=13.0, improvement="decrease")
    for a, b in ((0, 15), (15, 35), (35, 48)):
        part = spc(values[a:b], target=13.0, improvement="decrease")
        for name in ("mean", "upl", "relative_to_mean", "special_cause_type", "point_type", "moving_range"):
            np.testing.assert_array_equal(getattr(whole, name)[a:b], getattr(part, name))
    assert whole.assurance_type == spc(values[35:], target=13.0, improvement="decrease").assurance_type


def test_two_in_three_mdc2023_counts_points_beyond_three_sigma():
    # Limits fixed on the first 12 points: mean 0, AMR 2, near lines +-3.5467, limits +-5.32.
    # The last window (0.5, 4.5, 6.0) is all above the mean; 4.5 is near the limit and 6.0 beyond it.
    values = [1, -1] * 6 + [0.5, 4.5, 6.0]
    ptd = spc(values, fix_after_n_points=12)
    mdc = spc(values, fix_after_n_points=12, two_in_three_rule="mdc2023")
    assert ptd.special_cause_type[-2:].tolist() == ["Common Cause", "Above UCL"]
    assert mdc.special_cause_type[-2:].tolist() == ["2 in 3 Above CL", "Above UCL"]
    assert mdc.close_to_limits[-1] and not ptd.close_to_limits[-1]


def test_six_point_shift_and_trend_options():
    # Mean 0; indices 1..6 above the mean (6 points); no 7-point run.
    shift_values = [-1, 1, 1, 1, 1, 1, 1, -1, -1, 1, -1, 1, -1, -1]
    assert not spc(shift_values).shift.any()
    six = spc(shift_values, shift_length=6)
    assert six.shift.tolist() == [False] + [True] * 6 + [False] * 7
    assert six.special_cause_type[1] == "6 Points Above CL"
    # Indices 1..6 rise strictly (6 points, 5 rising steps): a trend only at length 6.
    trend_values = [3, 1, 2, 3, 4, 5, 6, 2, 4, 3, 4, 3, 4, 3]
    assert not spc(trend_values).trend.any()
    assert spc(trend_values, trend_length=6).trend.tolist() == [False] + [True] * 6 + [False] * 7


def test_trend_direction_at_a_peak_and_at_a_tie():
    # 0..6 rises then 6..0 falls: the peak belongs to both trends and takes the direction to the next point.
    peak = trend_directions([0, 1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1, 0])
    assert peak == [1] * 6 + [-1] * 7
    assert spc([0, 1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1, 0]).trend.all()
    # With a tie after the peak the peak ends the rising trend: it keeps "Increasing" (PTD would say Decreasing).
    tie = trend_directions([0, 1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2, 1, 0])
    assert tie == [1] * 7 + [-1] * 7


def test_point_on_the_mean_breaks_a_shift():
    assert shift_sides([1, 1, 1, 0, 1, 1, 1, 1]) == [0] * 8
    assert shift_sides([0] * 9) == [0] * 9  # nhspy would flag these


def test_neutral_direction():
    result = spc([0, 1, 2, 3, 4, 5, 6, 7], improvement="neutral", target=3)
    assert set(result.point_type) == {"special_cause_neutral"}
    assert result.direction.tolist() == [-1, 1, 1, 1, 1, 1, 1, 1]
    assert result.variation_icon == "neutral_high"
    assert result.assurance_type is None and result.assurance_icon is None


def test_assurance_uses_last_group_and_icons():
    values = [1, 3] * 6 + [11, 13] * 6  # last group: mean 12, limits 6.68..17.32
    assert spc(values, rebase_at=[12], target=5).assurance_type == "consistent_pass"
    assert spc(values, rebase_at=[12], target=5).assurance_icon == "pass"
    assert spc(values, rebase_at=[12], target=20).assurance_icon == "fail"
    assert spc(values, rebase_at=[12], target=12, improvement="decrease").assurance_icon == "inconsistent"
    assert spc(values, rebase_at=[12], target=5, improvement="decrease").assurance_type == "consistent_fail"


def test_short_series():
    empty = spc([])
    assert empty.mean.size == 0 and empty.variation_icon is None and empty.groups == ()
    assert any("No points" in w for w in empty.warnings)
    one = spc([5.0], target=4)
    assert one.mean.tolist() == [5.0] and math.isnan(one.upl[0]) and one.point_type.tolist() == ["common_cause"]
    assert one.assurance_type is None
    assert any("fewer than 2" in w for w in one.warnings) and any("13" in w for w in one.warnings)
    two = spc([5.0, 7.0])
    assert two.groups[0].amr == 2.0 and two.upl[0] == pytest.approx(6 + 5.32)
    assert not any("13" in w for w in spc(np.arange(13.0)).warnings)


def test_constant_series_screened_and_unscreened():
    screened = spc([4.0] * 15, target=5)
    assert math.isnan(screened.groups[0].amr) and not screened.special_cause_flag.any()
    assert screened.assurance_type is None and any("undefined" in w for w in screened.warnings)
    unscreened = spc([4.0] * 15, screen_outliers=False)
    assert unscreened.groups[0].amr == 0 and unscreened.upl[0] == unscreened.lpl[0] == 4.0
    assert not unscreened.special_cause_flag.any()


def test_results_are_read_only():
    result = spc(np.arange(20.0))
    with pytest.raises(ValueError):
        result.mean[0] = 1.0
    with pytest.raises(ValueError):
        result.point_type[0] = "x"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": [1, float("nan"), 3]}, "finite"),
        ({"values": [[1, 2], [3, 4]]}, "1-D"),
        ({"values": [1, 2, 3], "improvement": "up"}, "improvement"),
        ({"values": [1, 2, 3], "rebase_at": [3]}, "outside the series"),
        ({"values": [1, 2, 3], "rebase_at": [1.5]}, "integer"),
        ({"values": [1, 2, 3], "fix_after_n_points": 1}, "fix_after_n_points"),
        ({"values": [1, 2, 3], "shift_length": 1}, "shift_length"),
        ({"values": [1, 2, 3], "two_in_three_rule": "pbi"}, "two_in_three_rule"),
        ({"values": [1, 2, 3], "target": "high"}, "target"),
        ({"values": ["a", "b"]}, "numbers"),
    ],
)
def test_bad_input_is_refused(kwargs, message):
    values = kwargs.pop("values")
    with pytest.raises(ValueError, match=message):
        spc(values, **kwargs)


def test_spc_many_matches_spc_row_by_row():
    rng = np.random.default_rng(11)
    matrix = rng.normal(50, 5, (60, 40)).round(1)
    matrix[::3, 20:] += 12  # a real shift in every third row
    matrix[1::7, 10:17] = np.arange(7) * 3 + 40  # a trend
    targets = rng.normal(50, 10, 60)
    for options in (
        {},
        {"improvement": "decrease", "screen_outliers": False},
        {"improvement": "neutral", "two_in_three_rule": "mdc2023", "shift_length": 6, "trend_length": 6},
        {"fix_after_n_points": 15},
    ):
        batch = spc_many(matrix, target=targets, **options)
        for i in range(matrix.shape[0]):
            single = spc(matrix[i], target=targets[i], **options)
            for name in ("relative_to_mean", "outside_limits", "close_to_limits", "shift", "trend", "two_in_three"):
                np.testing.assert_array_equal(getattr(batch, name)[i], getattr(single, name), err_msg=name)
            assert batch.point_type[i].tolist() == single.point_type.tolist()
            assert batch.special_cause_type[i].tolist() == single.special_cause_type.tolist()
            assert batch.special_cause_flag[i].tolist() == single.special_cause_flag.tolist()
            assert (batch.mean[i], batch.amr[i], batch.upl[i]) == (single.mean[0], single.groups[0].amr, single.upl[0])
            assert batch.variation_icon[i] == single.variation_icon
            assert batch.assurance_type[i] == single.assurance_type


def test_spc_many_refuses_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        spc_many(np.arange(5.0))
    with pytest.raises(ValueError, match="finite"):
        spc_many(np.array([[1.0, np.inf]]))
    with pytest.raises(ValueError, match="one number per series"):
        spc_many(np.ones((3, 5)), target=[1.0, 2.0])


def test_spc_many_results_are_read_only_and_leave_the_input_alone():
    matrix = np.arange(40.0).reshape(2, 20)
    batch = spc_many(matrix)
    matrix[0, 0] = 99.0  # the caller's array is not frozen
    with pytest.raises(ValueError):
        batch.upl[0] = 1.0
    with pytest.raises(ValueError):
        batch.rule[0, 0] = 1

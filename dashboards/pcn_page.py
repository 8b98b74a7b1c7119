"""The PCN page: every indicator for the PCN against the other Harrow PCNs and the borough (a spine chart),
funnel plots of its practices for practice-level indicators, and the practice table."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from django.urls import reverse

from outcomes.coverage import frame_caveats
from outcomes.disclosure import SUPPRESSED_TEXT, overlay_controlled
from outcomes.models import KEY_COLUMNS
from outcomes.selectors import PcnData
from outcomes.stats.benchmark import compare_to_benchmark
from outcomes.units import count_text, format_value

from .chart import Chart
from .figures import figure_json, figure_summary, funnel_figure, funnel_table, spine_figure, spine_table


@dataclass
class PcnPage:
    data: PcnData
    spine: Chart | None
    funnels: list[Chart] = field(default_factory=list)
    practice_rows: list[dict] = field(default_factory=list)
    practice_columns: list[str] = field(default_factory=list)
    shows_practices: bool = False
    practice_links: list[str] = field(default_factory=list)  # each practice row's indicator page for the practice
    practice_export: pd.DataFrame | None = None  # the practice table as shown, with numbers as numbers (downloads)

    @property
    def linked_practice_rows(self) -> list[tuple[dict, str]]:
        links = self.practice_links
        return [(row, links[i] if i < len(links) else "") for i, row in enumerate(self.practice_rows)]


def _unit(indicator) -> str:
    """The suffix the figures put after values ("%", "years", "per 100,000")."""
    return indicator.unit_suffix


CONTROL_KEYS = list(KEY_COLUMNS)


def build(
    data: PcnData, *, shows_practices: bool, unsuppressed: bool, controlled_frame: pd.DataFrame | None = None
) -> PcnPage:
    """The page; ``controlled_frame``: the indicators' controlled frames (`dashboards.controlled.controlled_for`),
    loaded when not given and the reader is not an analyst, so this page hides exactly what the indicator pages
    and downloads hide."""
    by_id = {i.pk: i for i in data.indicators}
    if not unsuppressed and controlled_frame is None:
        from .controlled import controlled_for

        controlled_frame = controlled_for(data.indicators)
    by_code = {i.code: i for i in data.indicators}
    names = {a.pk: a.display_name for a in [*data.pcns, data.borough]}
    codes_by_name = {}  # indicator display name -> code, for the spine rows' links
    coverage_by_name = {}  # indicator display name -> the PCN value's coverage caveat ("" for full coverage)
    rows = []
    latest = data.latest
    if not unsuppressed and not latest.empty:
        # PCN values from suppressed counts are not shown (nor used for the range), the others at the precision
        # shown; the borough's row is not under control.
        latest = overlay_controlled(latest, controlled_frame, keys=CONTROL_KEYS)
    labels = _spine_labels([by_id[i] for i in latest["indicator_id"].unique()] if not latest.empty else [])
    for indicator_id, group in latest.groupby("indicator_id", sort=False):
        indicator = by_id[indicator_id]
        label = labels[indicator.code]
        focus = group[group["area_id"] == data.pcn.pk]
        if focus.empty or focus["value"].isna().all():
            continue
        period_end = focus["period_end"].iloc[0]
        codes_by_name.setdefault(label, indicator.code)
        coverage_by_name.setdefault(label, frame_caveats(focus.iloc[[0]])[0])
        same = group[group["period_end"] == period_end]
        for row in same.itertuples():
            role = (
                "focus"
                if row.area_id == data.pcn.pk
                else "benchmark"
                if row.area_id == data.borough.pk
                else "comparison"
            )
            rows.append(
                {
                    "indicator": label,
                    "area": names[row.area_id],
                    "role": role,
                    "value": row.value,
                    "lower_ci": row.lower_ci,
                    "upper_ci": row.upper_ci,
                    "polarity": indicator.polarity,
                    "unit": _unit(indicator),
                    "period": indicator.period_label(row.period_start, row.period_end),
                }
            )
    spine = None
    if rows:
        frame = pd.DataFrame(rows)
        figure = spine_figure(frame, title=f"{data.pcn.display_name} against the other Harrow PCNs and Harrow")
        table = spine_table(frame)
        periods = frame[frame["role"] == "focus"].set_index("indicator")["period"]
        table["period"] = table["indicator"].map(periods)
        for column in ("value", "benchmark", "minimum", "maximum"):  # each in its indicator's units and precision
            table[column] = [
                by_code[codes_by_name[name]].format_value(None if pd.isna(v) else float(v))
                for name, v in zip(table["indicator"], table[column], strict=True)
            ]
        shown = ["indicator", "period", "value", "benchmark", "minimum", "maximum", "comparison"]
        if any(coverage_by_name.values()):  # a PCN value over only some of its practices says so
            table["coverage"] = [coverage_by_name.get(name) or "All practices" for name in table["indicator"]]
            shown.append("coverage")
        links = [_indicator_url(codes_by_name[name], data.pcn.code) for name in table["indicator"]]
        spine = Chart(
            "spine",
            "Spine chart",
            figure_json(figure),
            figure_summary(figure),
            _text(table[shown]),
            shown,
            links,
            labels={
                "value": data.pcn.display_name,
                "benchmark": data.borough.display_name,
                "comparison": f"Compared with {data.borough.display_name}",
            },
        )

    funnels, practice_rows, practice_columns, practice_links = [], [], [], []
    if shows_practices and not data.practice_latest.empty:
        # A dormant, closed or proposed practice says so beside its name (ODS status, from epraccur).
        practice_names = {p.pk: p.display_name + p.status_note for p in data.practices}
        codes = {p.pk: p.code for p in data.practices}
        for indicator_id, group in data.practice_latest.groupby("indicator_id", sort=False):
            indicator = by_id[indicator_id]
            latest_end = group["period_end"].max()
            group = group[
                (group["period_end"] == latest_end) & group["numerator"].notna() & group["denominator"].notna()
            ]
            if not unsuppressed:
                # The funnel is drawn from the controlled counts alone (limits, average, points and their
                # significance): limits from the exact counts would give the PCN's exact rate away.
                group = overlay_controlled(group, controlled_frame, keys=CONTROL_KEYS)
                if int((~group["disclosure_suppressed"]).sum()) < 3:
                    continue  # too few practices left to draw limits from; the practice table still lists them
            if len(group) < 3 or indicator.unit not in ("percent", "rate"):
                continue
            frame = pd.DataFrame(
                {
                    "name": group["area_id"].map(practice_names),
                    "code": group["area_id"].map(codes),
                    "numerator": group["numerator"],
                    "denominator": group["denominator"],
                }
            )
            if not unsuppressed:
                frame = frame.assign(
                    numerator_display=group["numerator_display"],
                    denominator_display=group["denominator_display"],
                    disclosure_suppressed=group["disclosure_suppressed"],
                )
            statistic = "proportion" if indicator.unit == "percent" else "rate"
            period = indicator.period_label(group["period_start"].iloc[0], latest_end)
            units, limits = funnel_table(
                frame, statistic=statistic, multiplier=indicator.multiplier, decimals=indicator.decimal_places
            )
            figure = funnel_figure(
                frame,
                title=f"{indicator.display_name}: {data.pcn.display_name} practices, {period}",
                x_title="Denominator (patients or population)",
                y_title=_unit(indicator) or indicator.get_unit_display(),
                statistic=statistic,
                multiplier=indicator.multiplier,
                unit=_unit(indicator),
                decimals=indicator.decimal_places,
                table=(units, limits),
            )
            units = units.copy()
            # A practice not drawn keeps its row, but nothing derived from its suppressed counts is shown; the
            # others show the value as drawn (to the indicator's decimal places under disclosure control).
            units["value"] = units["value_shown"].astype(object).where(units["shown"], SUPPRESSED_TEXT)
            units["significance_words"] = units["significance_words"].where(units["shown"], "Not shown")
            shown = [
                c
                for c in ("name", "numerator_display", "denominator_display", "value", "significance_words")
                if c in units.columns
            ]
            funnels.append(
                Chart(
                    f"funnel-{indicator.code}",
                    figure["layout"]["title"]["text"],
                    figure_json(figure),
                    figure_summary(figure),
                    _text(units[shown]),
                    shown,
                    [_indicator_url(indicator.code, code) for code in units["code"]],
                )
            )
        table = data.practice_latest.assign(
            practice=data.practice_latest["area_id"].map(practice_names),
            indicator=data.practice_latest["indicator_id"].map(lambda i: by_id[i].display_name),
            period=[
                by_id[i].period_label(s, e)
                for i, s, e in zip(
                    data.practice_latest["indicator_id"],
                    data.practice_latest["period_start"],
                    data.practice_latest["period_end"],
                    strict=True,
                )
            ],
        )
        if not unsuppressed:
            table = overlay_controlled(table, controlled_frame, keys=CONTROL_KEYS)
        else:
            table = table.assign(
                numerator_display=table["numerator"].map(count_text),
                denominator_display=table["denominator"].map(count_text),
            )
        practice_columns = [
            "practice",
            "indicator",
            "period",
            "numerator_display",
            "denominator_display",
            "value",
            "comparison",
        ]
        table = table.sort_values(["practice", "indicator"])
        table["comparison"] = _against_borough(table, data, by_id)
        hidden = (
            table["disclosure_suppressed"].astype(bool)
            if "disclosure_suppressed" in table.columns
            else pd.Series(False, index=table.index)
        )
        table["value"] = [
            SUPPRESSED_TEXT if h else by_id[i].format_value(None if pd.isna(v) else float(v))
            for h, i, v in zip(hidden, table["indicator_id"], table["value"], strict=True)
        ]
        practice_rows = _text(table[practice_columns])
        keys = zip(table["indicator_id"], table["area_id"], strict=True)
        practice_links = [_indicator_url(by_id[i].code, codes[a]) for i, a in keys]
        practice_export = pd.DataFrame(
            {
                "practice": table["practice"],
                "indicator": table["indicator"],
                "period": table["period"],
                "numerator": table["numerator_display"].map(_shown_count),
                "denominator": table["denominator_display"].map(_shown_count),
                "value": table["value"],
            }
        )
    else:
        practice_export = None
    return PcnPage(
        data, spine, funnels, practice_rows, practice_columns, shows_practices, practice_links, practice_export
    )


#: Decimals of the practice table's value column, as the page shows it (_number_text).
PRACTICE_VALUE_DECIMALS = 2


def _shown_count(text):
    """A count as the table shows it ("1,235", "*", ""), back to a whole number where it is one."""
    plain = str(text).replace(",", "").strip()
    return int(plain) if plain.isdigit() else plain


def _against_borough(table: pd.DataFrame, data: PcnData, by_id: dict) -> list[str]:
    """Each practice row's Fingertips comparison (polarity-aware, in words) with the borough's value for the same
    indicator and period: the practice's 95% interval against Harrow's value; "Not compared" where the value is
    suppressed or has no interval, or Harrow has no value for that period."""
    borough = data.latest[data.latest["area_id"] == data.borough.pk] if not data.latest.empty else data.latest
    values = {
        (r.indicator_id, r.period_end): r.value
        for r in borough.itertuples()
        if r.value is not None and r.value == r.value
    }
    hidden = table.get("disclosure_suppressed", pd.Series(False, index=table.index)).astype(bool)
    out = []
    for row, is_hidden in zip(table.itertuples(), hidden, strict=True):
        bench = values.get((row.indicator_id, row.period_end))
        verdict = "not compared"
        if bench is not None and not is_hidden:
            verdict = str(
                compare_to_benchmark(
                    row.value, row.lower_ci, row.upper_ci, bench, polarity=by_id[row.indicator_id].polarity
                )
            )
        out.append(verdict.capitalize())
    return out


def _indicator_url(indicator_code: str, area_code: str) -> str:
    return reverse("dashboards:indicator_area", args=[indicator_code, area_code])


def _text(frame: pd.DataFrame) -> list[dict]:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype.kind in "fO":  # numbers, and numbers mixed with "*"
            out[column] = out[column].map(_number_text)
    return out.fillna("").astype(str).to_dict("records")


def _number_text(value):
    if isinstance(value, float):
        return format_value(value, decimals=2, missing="")
    return value


def _spine_labels(indicators) -> dict[str, str]:
    """Each indicator's row label on the spine: its display name, with its code where two share a name (the
    spine keys its rows by label, so two indicators under one label would make one row with two focus values)."""
    names = [i.display_name for i in indicators]
    return {
        i.code: i.display_name if names.count(i.display_name) == 1 else f"{i.display_name} ({i.code})"
        for i in indicators
    }

"""The PCN page: every indicator for the PCN against the other Harrow PCNs and the borough (a spine chart), and,
for readers who may see them, its practices (`dashboards.pcn_practices`: funnels, practice table, matrix)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from outcomes.coverage import frame_caveats
from outcomes.disclosure import overlay_controlled, rows_by_area, rows_with_keys_of
from outcomes.selectors import PcnData

from .chart import Chart
from .figures import figure_json, figure_summary, spine_figure, spine_table
from .pcn_practices import CONTROL_KEYS, PracticeMatrix, PracticesPart, indicator_url, practices_part, text_records


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
    practice_export_decimals: list[int] = field(default_factory=list)  # each export row's decimals (its indicator's)
    matrix: PracticeMatrix | None = None
    # Indicators the spine leaves out because this PCN's latest row has no value to show (small numbers withheld,
    # or none published): named under the chart, so a reader does not take it for every indicator.
    spine_missing: list[str] = field(default_factory=list)

    @property
    def linked_practice_rows(self) -> list[tuple[dict, str]]:
        links = self.practice_links
        return [(row, links[i] if i < len(links) else "") for i, row in enumerate(self.practice_rows)]


def controlled_rows_shown(data: PcnData, controlled: pd.DataFrame, *, shows_practices: bool) -> pd.DataFrame:
    """The rows of the indicators' controlled frames that the page overlays: its PCNs' and borough's latest values
    and, when it shows them, its practices' latest values; a few thousand rows where the whole frames of a PCN
    page's indicators are hundreds of thousands (ADR 0032)."""
    shown = [data.latest, *([data.practice_latest] if shows_practices else [])]
    return rows_with_keys_of(controlled, shown, CONTROL_KEYS)


def build(
    data: PcnData,
    *,
    shows_practices: bool,
    unsuppressed: bool,
    controlled_frame: pd.DataFrame | None = None,
    practices: PracticesPart | None = None,
) -> PcnPage:
    """The page; ``controlled_frame``: the indicators' controlled frames (`dashboards.controlled.controlled_for`),
    loaded when not given and the reader is not an analyst, so this page hides exactly what the indicator pages
    and downloads hide; ``practices``: its practices' part when stored (computed here when not given)."""
    by_id = {i.pk: i for i in data.indicators}
    if not unsuppressed and controlled_frame is None:
        from .controlled import controlled_for

        controlled_frame = controlled_for(data.indicators)
    by_area = None if unsuppressed else rows_by_area(controlled_frame)
    by_code = {i.code: i for i in data.indicators}
    names = {a.pk: a.display_name for a in [*data.pcns, data.borough]}
    codes_by_name = {}  # indicator display name -> code, for the spine rows' links
    coverage_by_name = {}  # indicator display name -> the PCN value's coverage caveat ("" for full coverage)
    rows = []
    latest = data.latest
    if not unsuppressed and not latest.empty:
        # PCN values from suppressed counts are not shown (nor used for the range), the others at the precision
        # shown; the borough's row is not under control.
        latest = overlay_controlled(latest, controlled_frame, keys=CONTROL_KEYS, by_area=by_area)
    spine_missing: list[str] = []
    labels = _spine_labels([by_id[i] for i in latest["indicator_id"].unique()] if not latest.empty else [])
    # Plain records grouped by indicator, not a pandas group and two masks per indicator: those cost a page of 98
    # indicators 120 ms at 10M. One row per indicator and area (the latest headline).
    caveats = frame_caveats(latest)
    groups: dict[int, list[tuple[dict, str]]] = {}
    for record, caveat in zip(latest.to_dict("records"), caveats, strict=True):
        groups.setdefault(record["indicator_id"], []).append((record, caveat))
    for indicator_id, group in groups.items():
        indicator = by_id[indicator_id]
        label = labels[indicator.code]
        focus = [(r, c) for r, c in group if r["area_id"] == data.pcn.pk]
        if not focus or all(pd.isna(r["value"]) for r, _ in focus):
            if focus:  # a row without a value: withheld (small numbers) or not published
                spine_missing.append(label)
            continue
        period_end = focus[0][0]["period_end"]
        codes_by_name.setdefault(label, indicator.code)
        coverage_by_name.setdefault(label, focus[0][1])
        for r, _ in group:
            if r["period_end"] != period_end:
                continue
            area_id = r["area_id"]
            role = "focus" if area_id == data.pcn.pk else "benchmark" if area_id == data.borough.pk else "comparison"
            rows.append(
                {
                    "indicator": label,
                    "area": names[area_id],
                    "role": role,
                    "value": r["value"],
                    "lower_ci": r["lower_ci"],
                    "upper_ci": r["upper_ci"],
                    "polarity": indicator.polarity,
                    "unit": indicator.unit_suffix,
                    "period": indicator.period_label(r["period_start"], r["period_end"]),
                }
            )
    spine = None
    if rows:
        frame = pd.DataFrame(rows)
        numbers = spine_table(frame)
        figure = spine_figure(
            frame, title=f"{data.pcn.display_name} against the other Harrow PCNs and Harrow", table=numbers
        )
        table = numbers.copy()
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
        links = [indicator_url(codes_by_name[name], data.pcn.code) for name in table["indicator"]]
        spine = Chart(
            "spine",
            "Spine chart",
            figure_json(figure),
            figure_summary(figure),
            text_records(table[shown]),
            shown,
            links,
            labels={
                "value": data.pcn.display_name,
                "benchmark": data.borough.display_name,
                "comparison": f"Compared with {data.borough.display_name}",
            },
        )

    if shows_practices and practices is None:
        practices = practices_part(
            data, unsuppressed=unsuppressed, controlled_frame=controlled_frame, latest=latest, by_area=by_area
        )
    practices = practices if shows_practices and practices is not None else PracticesPart()
    return PcnPage(
        data,
        spine,
        practices.funnels,
        practices.rows,
        practices.columns,
        shows_practices,
        practices.links,
        practices.export,
        practices.export_decimals,
        practices.matrix,
        spine_missing,
    )


def _spine_labels(indicators) -> dict[str, str]:
    """Each indicator's row label on the spine: its display name, with its code where two share a name (the
    spine keys its rows by label, so two indicators under one label would make one row with two focus values)."""
    names = [i.display_name for i in indicators]
    return {
        i.code: i.display_name if names.count(i.display_name) == 1 else f"{i.display_name} ({i.code})"
        for i in indicators
    }

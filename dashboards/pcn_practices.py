"""What a PCN page shows of its practices: a funnel plot per practice-level indicator, the practice table (each
practice's latest value with the PCN's and Harrow's, compared with Harrow by funnel limits) and the practice x
indicator matrix. Built from the practices' latest rows alone, so it is stored once per data version
(`dashboards.pages.pcn_practices`, ADR 0032)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from django.urls import reverse

from outcomes.disclosure import SUPPRESSED_TEXT, overlay_controlled, rows_by_area
from outcomes.models import KEY_COLUMNS
from outcomes.selectors import PcnData
from outcomes.stats.funnel import funnel_comparisons
from outcomes.units import MISSING as MISSING_TEXT
from outcomes.units import count_text, format_value

from . import significance
from .chart import Chart
from .figures import figure_json, figure_summary, funnel_figure, funnel_table, wrap_label

#: The keys by which a page's rows are matched with the indicators' controlled frames (ADR 0031).
CONTROL_KEYS = list(KEY_COLUMNS)


@dataclass(frozen=True)
class MatrixColumn:
    """One practice-level indicator in the matrix: its latest practice period, and the PCN's and Harrow's values
    for that period (with units; "*" for a suppressed PCN value, "—" for none)."""

    code: str
    name: str
    period: str
    polarity: str  # "Higher is better", "Lower is better", "Higher is neither better nor worse"
    pcn: str
    harrow: str


@dataclass(frozen=True)
class MatrixCell:
    """A practice's latest value for one indicator, with its funnel comparison with Harrow."""

    text: str  # the value with its unit, "*" (suppressed) or "—" (no data)
    comparison: str  # better, worse, higher, lower, similar, not compared, suppressed, no data
    level: str  # "95%", "99.8%" (the limits it lies outside) or ""
    link: str  # the practice's trend page for the indicator

    @property
    def css(self) -> str:
        return significance.css_class(self.comparison, self.level)

    @property
    def symbol(self) -> str:
        return significance.STYLES[self.comparison].text_symbol

    @property
    def short(self) -> str:
        return significance.short_words(self.comparison, self.level)

    @property
    def words(self) -> str:
        return significance.words(self.comparison, self.level)


@dataclass(frozen=True)
class MatrixRow:
    practice: str  # the practice's full name (and its ODS status when not active)
    code: str
    cells: list[MatrixCell]


@dataclass(frozen=True)
class PracticeMatrix:
    """Practices (rows) by practice-level indicators (columns), each cell coloured by significance against Harrow."""

    columns: list[MatrixColumn]
    rows: list[MatrixRow]

    @property
    def counts(self) -> dict[str, int]:
        """How many cells of each verdict, for the summary below the matrix (in the key's order)."""
        found = [c.comparison for r in self.rows for c in r.cells]
        return {k: found.count(k) for k in significance.STYLES if found.count(k)}

    @property
    def key(self) -> list[MatrixCell]:
        """One sample cell per look used in the matrix (verdict and level), in a fixed order, for its key."""
        used = {(c.comparison, c.level) for r in self.rows for c in r.cells}
        order = [(c, lv) for c in significance.STYLES for lv in ("99.8%", "95%", "")]
        return [MatrixCell("", c, lv, "") for c, lv in order if (c, lv) in used]


@dataclass
class PracticesPart:
    """What a PCN page shows of its practices: the funnels, the practice table (as shown, its links and its
    download) and the practice x indicator matrix. Built from the practices' latest rows alone, so it is stored
    once per data version (`dashboards.pages.pcn_practices`, ADR 0032): 63 funnels and 3,200 rows took a PCN page
    over a second at 10 million observations."""

    funnels: list[Chart] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    export: pd.DataFrame | None = None
    export_decimals: list[int] = field(default_factory=list)
    matrix: PracticeMatrix | None = None


def practices_part(
    data: PcnData,
    *,
    unsuppressed: bool,
    controlled_frame: pd.DataFrame | None,
    latest: pd.DataFrame | None = None,
    by_area: dict | None = None,
) -> PracticesPart:
    """The practices' part of the page; ``latest``: the PCNs' and borough's latest rows as the spine shows them
    (under control unless ``unsuppressed``), recomputed when not given; ``by_area``: `rows_by_area` of the
    controlled frame, when the caller has it already."""
    if data.practice_latest.empty:
        return PracticesPart()
    if not unsuppressed:
        by_area = by_area if by_area is not None else rows_by_area(controlled_frame)
    if latest is None:
        latest = data.latest
        if not unsuppressed and not latest.empty:
            latest = overlay_controlled(latest, controlled_frame, keys=CONTROL_KEYS, by_area=by_area)
    by_id = {i.pk: i for i in data.indicators}
    funnels = []
    # A dormant, closed or proposed practice says so beside its name (ODS status, from epraccur).
    practice_names = {p.pk: p.name + p.status_note for p in data.practices}  # full names
    codes = {p.pk: p.code for p in data.practices}
    harrow = _values_at(data.latest, data.borough.pk)  # the borough's headline: exact, and the funnels' centre
    # The practices' rows under control, overlaid once (row by row, by key) rather than once per indicator: 65
    # passes cost a PCN lead's page of 98 indicators 0.6 s at 10M.
    controlled_practices = (
        None
        if unsuppressed
        else overlay_controlled(data.practice_latest, controlled_frame, keys=CONTROL_KEYS, by_area=by_area)
    )
    for indicator_id, group in data.practice_latest.groupby("indicator_id", sort=False):
        indicator = by_id[indicator_id]
        latest_end = group["period_end"].max()
        group = group[(group["period_end"] == latest_end) & group["numerator"].notna() & group["denominator"].notna()]
        statistic = FUNNEL_STATISTICS.get(indicator.unit)
        target = _funnel_centre(harrow.get((indicator_id, latest_end), (None, False))[0], indicator)
        # Around Harrow's value a practice's limits depend on nothing but its own counts, so one practice is
        # enough; around the practices' own average (no Harrow value for the period) three are needed.
        needed = 1 if target is not None else 3
        if not unsuppressed:
            # Points and their significance come from the controlled counts alone; without Harrow's value the
            # limits would too (limits from the exact counts would give the PCN's exact rate away).
            group = controlled_practices.loc[group.index]
            if int((~group["disclosure_suppressed"]).sum()) < needed:
                continue  # too few practices left to draw; the matrix and the practice table still list them
        if len(group) < needed or statistic is None:
            continue
        frame = pd.DataFrame(
            {
                "name": group["area_id"].map(practice_names),
                "code": group["area_id"].map(codes),
                "numerator": group["numerator"],
                "denominator": group["denominator"],
                "link": [indicator_url(indicator.code, codes[a]) for a in group["area_id"]],
            }
        )
        if not unsuppressed:
            frame = frame.assign(
                numerator_display=group["numerator_display"],
                denominator_display=group["denominator_display"],
                disclosure_suppressed=group["disclosure_suppressed"],
            )
        period = indicator.period_label(group["period_start"].iloc[0], latest_end)
        centred = {"target": target, "benchmark": data.borough.display_name}
        if target is not None:
            centred["polarity"] = indicator.polarity
        units, limits = funnel_table(
            frame,
            statistic=statistic,
            multiplier=indicator.multiplier,
            decimals=indicator.decimal_places,
            **centred,
        )
        figure = funnel_figure(
            frame,
            title=wrap_label(f"{indicator.display_name}: {data.pcn.display_name} practices, {period}", 44),
            x_title="Denominator (patients or population)",
            y_title=indicator.unit_suffix or indicator.get_unit_display(),
            statistic=statistic,
            multiplier=indicator.multiplier,
            unit=indicator.unit_suffix,
            decimals=indicator.decimal_places,
            table=(units, limits),
        )
        units = units.copy()
        # A practice not drawn keeps its row, but nothing derived from its suppressed counts is shown; the
        # others show the value as drawn (to the indicator's decimal places under disclosure control).
        units["value"] = [
            indicator.format_value(v) if s else SUPPRESSED_TEXT
            for v, s in zip(units["value_shown"], units["shown"], strict=True)
        ]
        units["significance_words"] = units["significance_words"].where(units["shown"], "Not shown")
        shown = [
            c
            for c in ("name", "numerator_display", "denominator_display", "value", "significance_words")
            if c in units.columns
        ]
        funnels.append(
            Chart(
                f"funnel-{indicator.code}",
                f"{indicator.display_name}: {data.pcn.display_name} practices, {period}",
                figure_json(figure),
                figure_summary(figure),
                text_records(units[shown]),
                shown,
                [indicator_url(indicator.code, code) for code in units["code"]],
                labels={"significance_words": f"Compared with {data.borough.display_name}"},
            )
        )
    practice_table = _practice_table(
        data, by_id, latest, unsuppressed, controlled_frame, practice_names, codes, by_area=by_area
    )
    practice_columns = [
        "practice",
        "indicator",
        "period",
        "numerator_display",
        "denominator_display",
        "value",
        "pcn_value",
        "harrow_value",
        "comparison",
    ]
    practice_rows = text_records(practice_table[practice_columns])
    keys = zip(practice_table["indicator_id"], practice_table["area_id"], strict=True)
    practice_links = [indicator_url(by_id[i].code, codes[a]) for i, a in keys]
    export, export_decimals = _export(practice_table, by_id)
    matrix = _matrix(data, by_id, practice_table, practice_names, codes)
    return PracticesPart(funnels, practice_rows, practice_columns, practice_links, export, export_decimals, matrix)


#: The funnel each unit's counts go through (other units have no funnel: not compared).
FUNNEL_STATISTICS = {"percent": "proportion", "rate": "rate"}
POLARITY_WORDS = {
    "high_is_good": "Higher is better",
    "low_is_good": "Lower is better",
    "no_judgement": "Higher is neither better nor worse",
}


def _funnel_centre(value: float | None, indicator) -> float | None:
    """Harrow's value as a funnel's centre, or None where it cannot be one (missing, or a percentage of 0 or 100:
    no spread around it)."""
    if value is None or value != value or value <= 0:
        return None
    if indicator.unit == "percent" and value >= indicator.multiplier:
        return None
    return float(value)


def _values_at(frame: pd.DataFrame, area_id: int) -> dict[tuple, tuple[float | None, bool]]:
    """(indicator_id, period_end) -> (value, suppressed) of one area's rows in a latest-headline frame."""
    if frame.empty:
        return {}
    rows = frame[frame["area_id"] == area_id]
    hidden = (
        rows["disclosure_suppressed"].astype(bool)
        if "disclosure_suppressed" in rows.columns
        else pd.Series(False, index=rows.index)
    )
    return {
        (r.indicator_id, r.period_end): (None if pd.isna(r.value) else float(r.value), bool(h))
        for r, h in zip(rows.itertuples(), hidden, strict=True)
    }


def _practice_table(
    data: PcnData,
    by_id: dict,
    latest: pd.DataFrame,
    unsuppressed: bool,
    controlled_frame: pd.DataFrame | None,
    practice_names: dict,
    codes: dict,
    *,
    by_area: dict | None = None,
) -> pd.DataFrame:
    """Each practice's latest value of each practice-level indicator, as shown (controlled counts for all but
    analysts), with the PCN's value as shown and Harrow's (exact: the borough's headline) for the same period, and
    the practice's funnel comparison with Harrow (`outcomes.stats.funnel.funnel_comparisons`, from the counts
    shown, so a reader can check it from the page). A suppressed row stays suppressed: no value, no comparison.
    ``by_area``: `rows_by_area` of the controlled frame, when the page has it already."""
    frame = data.practice_latest
    table = frame.assign(
        practice=frame["area_id"].map(practice_names),
        indicator=frame["indicator_id"].map(lambda i: by_id[i].display_name),
        period=[
            by_id[i].period_label(s, e)
            for i, s, e in zip(frame["indicator_id"], frame["period_start"], frame["period_end"], strict=True)
        ],
    )
    if not unsuppressed:
        by_area = by_area if by_area is not None else rows_by_area(controlled_frame)
        table = overlay_controlled(table, controlled_frame, keys=CONTROL_KEYS, by_area=by_area)
    else:
        table = table.assign(
            numerator_display=table["numerator"].map(count_text),
            denominator_display=table["denominator"].map(count_text),
            disclosure_suppressed=False,
        )
    table = table.sort_values(["practice", "indicator"], kind="stable").reset_index(drop=True)
    hidden = table["disclosure_suppressed"].astype(bool)
    harrow, pcn = _values_at(data.latest, data.borough.pk), _values_at(latest, data.pcn.pk)
    keys = list(zip(table["indicator_id"], table["period_end"], strict=True))
    table["harrow_number"] = [harrow.get(k, (None, False))[0] for k in keys]
    table["pcn_number"] = [pcn.get(k, (None, False))[0] for k in keys]
    table["pcn_hidden"] = [pcn.get(k, (None, False))[1] for k in keys]
    table["verdict"], table["level"] = "not compared", ""
    for (indicator_id, _), group in table.groupby(["indicator_id", "period_end"], sort=False):
        indicator = by_id[indicator_id]
        statistic = FUNNEL_STATISTICS.get(indicator.unit)
        target = group["harrow_number"].iloc[0]
        if statistic is None or target is None:
            continue
        result = funnel_comparisons(
            group["numerator"].to_numpy(float),
            group["denominator"].to_numpy(float),
            target=target,
            statistic=statistic,
            multiplier=indicator.multiplier,
            polarity=indicator.polarity,
        )
        table.loc[group.index, "verdict"] = result["comparison"].to_numpy()
        table.loc[group.index, "level"] = result["level"].to_numpy()
    table.loc[hidden, ["verdict", "level"]] = ["suppressed", ""]
    no_value = ~hidden & table["value"].isna()
    table.loc[no_value, ["verdict", "level"]] = ["no data", ""]

    def shown(indicator_id, value, is_hidden=False) -> str:
        return SUPPRESSED_TEXT if is_hidden else by_id[indicator_id].format_value(value)

    ids = table["indicator_id"]
    table["value"] = table["value"].astype(float)
    table["value_text"] = [shown(i, v, h) for i, v, h in zip(ids, table["value"], hidden, strict=True)]
    table["pcn_value"] = [shown(i, v, h) for i, v, h in zip(ids, table["pcn_number"], table["pcn_hidden"], strict=True)]
    table["harrow_value"] = [shown(i, v) for i, v in zip(ids, table["harrow_number"], strict=True)]
    table["comparison"] = [significance.words(c, lv) for c, lv in zip(table["verdict"], table["level"], strict=True)]
    table["practice_code"] = table["area_id"].map(codes)
    return table.rename(columns={"value": "value_number", "value_text": "value"})


def _export(table: pd.DataFrame, by_id: dict) -> tuple[pd.DataFrame, list[int]]:
    """The practice table for download: numbers as numbers (the value, the PCN's and Harrow's at the indicator's
    decimals) and the unit in its own column; "*" where the page shows a suppressed value; each row's decimals."""
    hidden = table["disclosure_suppressed"].astype(bool)
    indicators = table["indicator_id"].map(by_id)

    def numbers(values: pd.Series, suppressed: pd.Series) -> list:
        return [
            SUPPRESSED_TEXT if h else (None if pd.isna(v) else float(v))
            for v, h in zip(values, suppressed, strict=True)
        ]

    export = pd.DataFrame(
        {
            "practice": table["practice"],
            "practice_code": table["practice_code"],
            "indicator": table["indicator"],
            "indicator_code": [i.code for i in indicators],
            "period": table["period"],
            "period_start": table["period_start"],
            "period_end": table["period_end"],
            "numerator": table["numerator_display"].map(_shown_count),
            "denominator": table["denominator_display"].map(_shown_count),
            "value": numbers(table["value_number"], hidden),
            "unit": [i.unit_suffix or i.get_unit_display() for i in indicators],
            "pcn_value": numbers(table["pcn_number"], table["pcn_hidden"].astype(bool)),
            "harrow_value": numbers(table["harrow_number"], pd.Series(False, index=table.index)),
            "comparison_with_harrow": table["comparison"],
        }
    )
    return export, [i.decimal_places for i in indicators]


def _matrix(data: PcnData, by_id: dict, table: pd.DataFrame, practice_names: dict, codes: dict) -> PracticeMatrix:
    """Practices by indicators at each indicator's latest practice period (the funnel's); a practice with no value
    for that period shows "no data" (the practice table lists its older value)."""
    columns, cells_by_column = [], []
    fields = ["indicator_id", "area_id", "period_end", "period", "value", "verdict", "level", "pcn_value"]
    records = table[[*fields, "harrow_value"]].to_dict("records")
    by_indicator: dict[int, list[dict]] = {}
    for record in records:
        by_indicator.setdefault(record["indicator_id"], []).append(record)
    for indicator in data.indicators:
        rows = by_indicator.get(indicator.pk)
        if not rows:
            continue
        end = max(r["period_end"] for r in rows)
        rows = [r for r in rows if r["period_end"] == end]
        first = rows[0]
        columns.append(
            MatrixColumn(
                indicator.code,
                indicator.display_name,
                first["period"],
                POLARITY_WORDS.get(indicator.polarity, ""),
                first["pcn_value"],
                first["harrow_value"],
            )
        )
        cells_by_column.append({r["area_id"]: r for r in rows})
    out = []
    for practice in data.practices:
        cells = []
        for column, found in zip(columns, cells_by_column, strict=True):
            link = indicator_url(column.code, practice.code)
            row = found.get(practice.pk)
            if row is None:
                cells.append(MatrixCell(MISSING_TEXT, "no data", "", link))
            else:
                cells.append(MatrixCell(row["value"], row["verdict"], row["level"], link))
        out.append(MatrixRow(practice_names[practice.pk], codes[practice.pk], cells))
    return PracticeMatrix(columns, out)


def _shown_count(text):
    """A count as the table shows it ("1,235", "*", ""), back to a whole number where it is one."""
    plain = str(text).replace(",", "").strip()
    return int(plain) if plain.isdigit() else plain


def indicator_url(indicator_code: str, area_code: str) -> str:
    return reverse("dashboards:indicator_area", args=[indicator_code, area_code])


def text_records(frame: pd.DataFrame) -> list[dict]:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype.kind in "fO":  # numbers, and numbers mixed with "*"
            out[column] = out[column].map(number_text)
    return out.fillna("").astype(str).to_dict("records")


def number_text(value):
    if isinstance(value, float):
        return format_value(value, decimals=2, missing="")
    return value

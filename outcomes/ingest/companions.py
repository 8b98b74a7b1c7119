"""Published files that come beside the ones we load and hold no values of ours: recognised by their columns, so
the refusal says what the file is and which file to load instead.

QOF's indicator lookup (``MAPPING_INDICATORS``) has an ``INDICATOR_CODE`` column, so it was read as the generic
template and refused for missing ``org_code`` and periods: advice that sends an analyst the wrong way. These sit
in the same ZIPs and folders as the files we read (the QOF year's raw data, ONS's lookups).
"""

from __future__ import annotations

from dataclasses import dataclass

from .headers import normalise
from .parsed import Table


@dataclass(frozen=True)
class Companion:
    what: str  # the file, as its publisher names it
    instead: str  # what to load instead
    columns: frozenset[str]  # normalised column names that, all present, identify it

    def message(self) -> str:
        return f"This is {self.what}, which holds no values to load. {self.instead}"


QOF_INSTEAD = (
    "From the same QOF year, load PREVALENCE_YYZZ.csv (practice prevalence) or MAPPING_NHS_GEOGRAPHIES_YYZZ.csv "
    "(practices with their PCNs); see docs/formats/qof.md."
)
#: QOF years before 2019/20 publish no geography lookup (PCNs began in July 2019): their organisation reference is
#: the practice-to-CCG list, so the advice names the prevalence file and, for PCNs, the ODS ePCN workbook.
QOF_BEFORE_PCNS_INSTEAD = (
    "From the same QOF year, load PREVALENCE_YYZZ.csv (practice prevalence). QOF years before 2019/20 have no PCNs "
    "and no MAPPING_NHS_GEOGRAPHIES file: practices' PCNs come from the ODS ePCN workbook (docs/formats/ods.md); "
    "see docs/formats/qof.md."
)
# The earlier layouts come first: each also holds the columns that identify the later one.
COMPANIONS = (
    Companion(
        "QOF's indicator lookup of 2018/19 or before (INDICATOR_MAPPINGS_YYZZ.csv: each indicator's points, group "
        "and domain)",
        QOF_BEFORE_PCNS_INSTEAD,
        frozenset({"indicator_code", "indicator_point_value", "indicator_group_code", "domain_code"}),
    ),
    Companion(
        "QOF's organisation reference of 2018/19 or before (ORGANISATION_REFERENCE_YYZZ.csv: each practice with its "
        "CCG, STP and region, and its maximum points)",
        QOF_BEFORE_PCNS_INSTEAD,
        frozenset({"practice_code", "ccg_code", "revised_maximum_points"}),
    ),
    Companion(
        "QOF's indicator lookup (MAPPING_INDICATORS_YYZZ.csv: each indicator's points, group and domain)",
        QOF_INSTEAD,
        frozenset({"indicator_code", "indicator_point_value", "domain_code"}),
    ),
    Companion(
        "QOF's personalised care adjustment lookup (MAPPING_PCAS_EXCL_TO_INDICATOR_YYZZ.csv)",
        QOF_INSTEAD,
        frozenset({"indicator_code", "pca_excl_name"}),
    ),
    Companion(
        "QOF's organisation reference (ORGANISATION_REFERENCE_YYZZ.csv: each practice's maximum points)",
        QOF_INSTEAD,
        frozenset({"practice_code", "revised_maximum_points"}),
    ),
    Companion(
        "QOF's practice validation outcomes (PRACTICE_VALIDATION_OUTCOMES_YYZZ.csv)",
        QOF_INSTEAD,
        frozenset({"practice_code", "validation_rule"}),
    ),
)


def companion_file(table: Table) -> Companion | None:
    """The companion file the table is, if its columns say so."""
    names = {normalise(h) for h in table.header}
    return next((c for c in COMPANIONS if c.columns <= names), None)

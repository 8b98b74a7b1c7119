"""Published files that come beside the ones we load and hold no values of ours: recognised by their columns, so
the refusal says what the file is and which file to load instead.

QOF's indicator lookup (``MAPPING_INDICATORS``) has an ``INDICATOR_CODE`` column, so it was read as the generic
template and refused for missing ``org_code`` and periods: advice that sends an analyst the wrong way. These sit
in the same ZIPs and folders as the files we read (the QOF year's raw data, ONS's lookups).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .headers import normalise
from .parsed import LINE, Table


@dataclass(frozen=True)
class Companion:
    what: str  # the file, as its publisher names it
    instead: str  # what to load instead
    columns: frozenset[str]  # normalised column names that, all present, identify it
    #: A list of places, no row about a person (ODS's postcode directory): its cells are not screened as
    #: patient data, so it is refused as what it is and kept like any refused file, not deleted.
    places: bool = False

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


POSTCODE_DIRECTORY = Companion(
    "ODS's postcode directory (pcodeall.csv or a region's pcodeyNN.csv: every postcode with the commissioning "
    "organisations whose area it falls in), a list of places",
    "Practices and their PCNs come from the ODS epraccur file and ePCN workbook (docs/formats/ods.md), and the "
    "practice map of the GP registrations (docs/formats/geography.md).",
    frozenset(),
    places=True,
)
#: A postcode as ODS writes it, padded to eight characters ("BB8  6JR").
_POSTCODE = re.compile(r"^\s*[A-Z]{1,2}[0-9][A-Z0-9]? *[0-9][A-Z]{2}\s*$")
#: The organisation codes beside each postcode: region, ICB and former SHA and PCT codes are three characters,
#: sub-ICB locations three or five (X2C4Y); never a practice's six.
_AREA_CODE = r"^\s*(?:[A-Z0-9]{3}|[A-Z0-9]{5})?\s*$"


def companion_file(table: Table) -> Companion | None:
    """The companion file the table is, if its columns (or, headerless, its shape) say so."""
    names = {normalise(h) for h in table.header}
    found = next((c for c in COMPANIONS if c.columns <= names), None)
    if found is None and _postcode_directory(table):
        return POSTCODE_DIRECTORY
    return found


def _postcode_directory(table: Table) -> bool:
    """ODS's postcode directory: no header, every line a postcode (each once) and two or three organisation codes
    of three or five characters, and nothing else. So strict that a list of people cannot pass for it: a code of a
    practice is six characters, and a name, a number or a date in any cell fails it."""
    header = table.header
    if any(p.code == "repeated_header" for p in table.problems):  # line 1 again: a postcode twice
        return False
    if not 3 <= len(header) <= 4 or not _POSTCODE.match(header[0]):
        return False
    if not all(re.match(_AREA_CODE, cell) for cell in header[1:]):
        return False
    columns = [c for c in table.frame.columns if c != LINE]
    postcodes = table.frame[columns[0]].astype(str)
    if not postcodes.str.match(_POSTCODE.pattern).all():
        return False
    if not all(table.frame[c].astype(str).str.match(_AREA_CODE).all() for c in columns[1:]):
        return False
    spelt = pd.concat([postcodes, pd.Series([header[0]])]).str.replace(" ", "").str.upper()
    return not spelt.duplicated().any()

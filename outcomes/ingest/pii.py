"""Refuse patient-identifiable data outright: NHS numbers, dates of birth, postcodes, names, record-level files.

Runs on the raw table, before any reader, over every cell of every column. Messages name the line and
column but never repeat the value, and a refusal deletes the file's bytes.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection

import numpy as np
import pandas as pd

from ..problems import Problem
from .headers import normalise
from .parsed import LINE, Table
from .pii_words import (
    BIRTH_AGGREGATE,
    BORN_KEYS,
    CONTACT_WORDS,
    IDENTIFIER_COLUMNS,
    IDENTIFIER_PAIRS,
    IDENTIFIER_WORDS,
    MEASUREMENT_COLUMNS,
    ORGANISATION_CODE_COLUMNS,
    ORGANISATION_WORDS,
    PERSON_WORDS,
    POSTCODE_AGGREGATE,
)

#: What may separate the 3-3-4 groups: a space (also a no-break or thin one), a hyphen, a slash or a dot.
SEPARATOR = "[ \\-/.\u00a0\u2009\u202f]"
SPACE = "[ \\-/\u00a0\u2009\u202f]"  # ... all but the dot, which a whole cell may use only in both places
NHS_NUMBER = re.compile(
    rf"^\s*(?:(\d{{3}}){SPACE}?(\d{{3}}){SPACE}?(\d{{4}})|(\d{{3}})\.(\d{{3}})\.(\d{{4}}))\s*$"
)  # not 105185.6531, a denominator
#: Ten digits written as a whole float ("9434765919.0": how pandas and R write a number column with blanks in it).
FLOAT_TEN_DIGITS = re.compile(r"^\s*(\d{10})\.0+\s*$")
#: Ten digits written with thousands separators ("9,434,765,919": Excel's number format with separators).
THOUSANDS_TEN_DIGITS = re.compile(r"^\s*(\d)([,. \u00a0\u202f])(\d{3})\2(\d{3})\2(\d{3})\s*$")
#: Ten digits written in scientific notation to eight or more significant digits (9434765919 as 9.434765919E+09).
SCIENTIFIC_TEN_DIGITS = re.compile(r"^\s*[1-9]\.[0-9]{7,9}[eE]\+?0?9\s*$")
#: A 3-3-4 run of ten digits (one separator style, or none) inside text, on word boundaries; not part of a
#: longer number, a decimal (``0.9434765919``) or a code (``ID9434765919``).
NHS_NUMBER_IN_TEXT = re.compile(rf"(?<![\w.,])(\d{{3}})({SEPARATOR}?)(\d{{3}})\2(\d{{4}})(?![\w]|[.,]\d*[1-9])")
#: ... or run on from the letters NHS, as a reference is written ("NHS9434765919", "NHS no: 943 476 5919").
NHS_NUMBER_AFTER_NHS = re.compile(
    rf"nhs\s*(?:no|num|number)?\.?\s*[:#]?\s*(\d{{3}})({SEPARATOR}?)(\d{{3}})\2(\d{{4}})(?!\d)", re.IGNORECASE
)
POSTCODE_PATTERN = r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b"
POSTCODE = re.compile(POSTCODE_PATTERN, re.IGNORECASE)
#: What separates a date's day, month and year: a slash (also the division and fraction slashes and the full-width
#: one), a dot, a hyphen or a space.
_DATE_SEPARATOR = "[/.\\- \u2215\u2044\uff0f]"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"['\u2019]?\d{2,4}"  # 1956, 56, or '56 with an apostrophe
#: A date of birth written into text ("John Smith, born 12/03/1956", "DOB: 1 March 1956", "dob=12031956",
#: "born on the 12th of March 1956", "DOB: March 12, 1956"). ``\d`` takes full-width digits too.
#: Eight or six digits run together are a date only after the words for a date of birth, not after "born".
DATE_OF_BIRTH_IN_TEXT = re.compile(
    r"(?:"
    r"(?:\b(?:born(?:\s+on)?(?:\s+the)?|d[\s.\-]?o[\s.\-]?b(?![a-z])\.?|date[\s\-_]+of[\s\-_]+birth|birth\s*date"
    r"|date\s+born|birth(?=\s*[:=\uff1a]))"
    r"|(?<=[a-z] )b\.(?=\s))"  # "Mrs Jones b. 12/03/1956", not a footnote's "; b. 31/03/2025 snapshot"
    r"\s*[:=\-\uff1a]?\s*"
    rf"(?:\d{{1,4}}{_DATE_SEPARATOR}(?:\d{{1,2}}|[a-z]{{3,9}}){_DATE_SEPARATOR}{_YEAR}"  # 12/03/1956, 1 March '56
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}"  # 12th Mar 1956, 12th of March 1956
    rf"|{_MONTH}\s+{_DAY},?\s+{_YEAR})"  # March 12, 1956
    r"|\b(?:d[\s.\-]?o[\s.\-]?b(?![a-z])\.?|date[\s\-_]+of[\s\-_]+birth|birth\s*date)\s*[:=\-\uff1a]?\s*"
    r"(?:\d{8}|\d{6})"
    r")(?!\d)"
    # ... one date, not the start of a range or an open one: "children born 1 September 2012 to 31 August 2013",
    # "born 01/09/2012 or later", "eligible by DOB 01/04/2021 onwards" are cohorts
    r"(?!\s*(?:[-\u2013\u2014]|to\b|and\b|until\b|through\b|till\b|onwards?\b"
    r"|or\s+(?:later|after|earlier|before|over|under|older|younger)\b))",
    re.IGNORECASE,
)
#: What any of the cell checks below could find, in one pass over a column's distinct values: a postcode, an
#: "@", or a word that can introduce a date of birth.
SUSPICIOUS = rf"{POSTCODE_PATTERN}|@|born|d[\s.\-]?o[\s.\-]?b|birth|[a-z] b\."
#: An email address inside a cell (an organisation's generic address in a table of organisations is exempt).
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

MAX_FINDINGS = 20

#: An organisation code as ODS writes them (practice, PCN, trust, commissioner): the codes of a list of organisations.
ODS_CODE = re.compile(r"^[A-Z0-9]{3,6}$")
#: The contact words (``pii_words.CONTACT_WORDS``) in the numbered or run-together forms real files use (epraccur
#: copies' ``Address1``..``Address5``, ``TelNo``).
CONTACT_WORD = re.compile(r"(?:address|addr|postcode|telephone|phone|tel|telno|fax|e?mail|contact)\d*")


def organisation_rows(table: Table) -> str | None:
    """The column (as in the file) that makes each row one organisation, if any: an organisation-code column
    (practice, PCN, trust... code) whose every cell is an ODS-shaped code, different on every row. The NHS Digital
    GP registrations file (one row per practice with its own POSTCODE), the ODS PCN details sheet and the QOF
    geography lookups are such tables; a record-level file repeats its practice codes."""
    if {normalise(h) for h in table.header} & MEASUREMENT_COLUMNS:
        return None  # rows of measurements (the generic template's), each of one area: not a list of organisations
    for name in table.header:
        if normalise(name) not in ORGANISATION_CODE_COLUMNS or name not in table.frame.columns:
            continue
        codes = table.frame[name]
        # Uniqueness first: it is cheap, and it settles the long files (whose codes repeat) at once.
        if len(codes) and codes.is_unique and codes.astype(str).str.fullmatch(ODS_CODE.pattern).all():
            return name
    return None


def contact_header(name: str) -> bool:
    """A postcode, address, telephone or email column (an organisation's in a table of organisations)."""
    words = set(normalise(name).split("_"))
    return (
        any(CONTACT_WORD.fullmatch(w) for w in words)
        and not words & PERSON_WORDS
        and not identifying_header(name, contact=False)
    )


def organisation_name_header(name: str) -> bool:
    """A bare ``Name`` (or ``Partner Name``...) whose only sign of a person is the word "name": in a table of
    organisations, the organisation's name. A person's name in other words (forename, patient name, full name)
    is not one."""
    return identifying_header(name, contact=False) and not identifying_header(name, contact=False, names=False)


def identifying_header(name: str, contact: bool = True, names: bool = True) -> bool:
    """Whether a column name suggests patient-identifiable data, by its normalised words.

    ``contact=False`` leaves out postcodes, addresses, telephones and emails (asking whether the name is
    identifying for another reason: a person's name, NHS number, date of birth); ``names=False`` leaves out the
    last rule, a bare "name" that no organisation word qualifies."""
    key = normalise(name)
    if not contact:
        every = [w for w in key.split("_") if w]
        contact_words = {w for w in every if CONTACT_WORD.fullmatch(w) or w in CONTACT_WORDS}
        # "line 1", and the "no" of "tel no", belong to the contact column's name; the "no" of "NHS no" does not.
        filler = {"line", "1", "2", "3", "4", "5"} | ({"no", "number"} if contact_words else set())
        words = [w for w in every if w not in contact_words | filler]
        key = "_".join(words)
        if not key:
            return False
    if key in IDENTIFIER_COLUMNS:
        return True
    words = [w for w in key.split("_") if w]
    if contact and any(re.fullmatch(r"(?:address|addr)\d+|telno", w) for w in words):  # Address1, TelNo
        return True
    if set(words) & IDENTIFIER_WORDS or "".join(words) in {"dob", "nhsno", "nhsnumber"}:  # d_o_b, n_h_s_no
        return True
    pairs = set(itertools.pairwise(words))
    pairs |= {(a, f"{b}_{c}") for a, b, c in zip(words, words[1:], words[2:], strict=False)}
    pairs |= {(f"{a}_{b}", c) for a, b, c in zip(words, words[1:], words[2:], strict=False)}
    if pairs & IDENTIFIER_PAIRS.keys():
        return True
    if key in BORN_KEYS or ("birth" in words and not set(words) & BIRTH_AGGREGATE):
        return True
    if {"postcode", "postcodes"} & set(words) and not set(words) & POSTCODE_AGGREGATE:
        return True
    return names and bool({"name", "names"} & set(words) and not set(words) & ORGANISATION_WORDS)


def nhs_number_valid(digits: str) -> bool:
    """The NHS number Modulus 11 check: weights 10..2 on the first nine digits; check digit 11 - (sum mod 11),
    where 11 means 0 and 10 means the number is invalid."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def holds_nhs_number(text: str) -> bool:
    """The whole cell, or any ten-digit 3-3-4 run inside it, passes the Modulus 11 check."""
    whole = NHS_NUMBER.match(text)
    if whole and nhs_number_valid("".join(g for g in whole.groups() if g)):
        return True
    separated = THOUSANDS_TEN_DIGITS.match(text)
    if separated and nhs_number_valid(separated[1] + separated[3] + separated[4] + separated[5]):
        return True
    whole_float = FLOAT_TEN_DIGITS.match(text)
    if whole_float and nhs_number_valid(whole_float[1]):
        return True
    if SCIENTIFIC_TEN_DIGITS.match(text):
        number = float(text)
        return number.is_integer() and nhs_number_valid(str(int(number)))
    found = itertools.chain(NHS_NUMBER_IN_TEXT.finditer(text), NHS_NUMBER_AFTER_NHS.finditer(text))
    return any(nhs_number_valid(m[1] + m[3] + m[4]) for m in found)


def _nhs_number_cells(column: pd.Series) -> pd.Series:
    text = column.astype(str)
    candidate = (
        text.str.match(NHS_NUMBER.pattern)
        | text.str.contains(rf"\d{{3}}{SEPARATOR}?\d{{3}}{SEPARATOR}?\d{{4}}", regex=True)
        | text.str.match(SCIENTIFIC_TEN_DIGITS.pattern)
        | text.str.match(FLOAT_TEN_DIGITS.pattern)
        | text.str.match(THOUSANDS_TEN_DIGITS.pattern)
    )
    if not candidate.any():
        return candidate
    valid = text[candidate].map(holds_nhs_number)
    out = pd.Series(False, index=column.index)
    out[valid[valid].index] = True
    return out


def find_identifiers(
    table: Table,
    exempt_columns: Collection[str] = frozenset(),
    exempt_headers: Collection[str] = frozenset(),
    *,
    recognised: bool = True,
) -> list[Problem]:
    """Every reason to believe the file holds patient-level or identifiable data (empty if none).

    ``exempt_columns`` (keys of ``table.frame``) are skipped by the cell checks only: a reader of a known
    reference format declares them (``Reader.pii_exempt_columns``), e.g. the organisation address, postcode
    and telephone columns of the NHS ODS practice file, which hold an organisation's details, not a patient's.
    ``exempt_headers`` (the file's own column names) are skipped by the column-name check only: a reader
    declares the columns of its format that hold an organisation's name (``Reader.pii_exempt_headers``), e.g.
    the ePCN file's "Partner Name" (the practice). The record-level check still runs on every column.
    A table whose rows are organisations (``organisation_rows``) has its postcode, address, telephone and email
    columns exempted the same way; names, NHS numbers and dates of birth are still checked. Only in a file of a
    format read here (``recognised``): a list of people with a code each (P10001) has the same shape, and a file
    no format recognises is not taken on trust.
    """
    findings: list[Problem] = []
    organisations = organisation_rows(table) if recognised else None
    if organisations is not None:  # an organisation's name, postcode, address and telephone are not patient data
        contact = {h for h in table.header if contact_header(h)}
        exempt_headers = {*exempt_headers, *contact, *(h for h in table.header if organisation_name_header(h))}
        exempt_columns = {*exempt_columns, *contact}
    for name in table.header:
        if name not in exempt_headers and identifying_header(name):
            findings.append(
                Problem(
                    1,
                    name,
                    "patient_identifiable",
                    "This column name suggests patient-identifiable data, which this system never stores.",
                )
            )
        elif name not in exempt_headers and POSTCODE.fullmatch(name.strip()):
            findings.append(
                Problem(
                    table.header_line,
                    name,
                    "patient_identifiable",
                    "A column name is a full postcode, which can identify a household: the first line looks like "
                    "a row of data, not column names.",
                )
            )
        elif name not in exempt_headers and len(name) >= 10 and holds_nhs_number(name):
            findings.append(
                Problem(
                    table.header_line,
                    None,
                    "patient_identifiable",
                    "A column name looks like an NHS number (it passes the Modulus 11 check).",
                )
            )
    for column in [c for c in table.frame.columns if c != LINE]:
        display = column.split("\u0000")[0]
        # Checks run on distinct values (codes repeat a lot), then map back to rows only when one is flagged.
        distinct = pd.Series(pd.unique(table.frame[column])).astype(str).drop_duplicates()
        # one pass over every value for postcodes and emails; the few it finds are told apart below
        suspicious = distinct[distinct.str.contains(SUSPICIOUS, case=False, regex=True)]
        dates_of_birth = {
            "This cell gives a date of birth.": suspicious[
                suspicious.str.contains(DATE_OF_BIRTH_IN_TEXT.pattern, case=False, regex=True)
            ]
        }
        # an organisation's address or telephone (exempt) is still never a date of birth
        flagged = (
            dates_of_birth
            if column in exempt_columns
            else {
                "This cell looks like an NHS number (it passes the Modulus 11 check).": distinct[
                    _nhs_number_cells(distinct)
                ],
                "This cell looks like a full postcode, which can identify a household.": suspicious[
                    suspicious.str.contains(POSTCODE.pattern, case=False, regex=True)
                ],
                "This cell holds an email address, which can identify a person.": suspicious[
                    suspicious.str.contains(EMAIL.pattern, regex=True)
                ],
                **dates_of_birth,
            }
        )
        for message, values in flagged.items():
            if values.empty:
                continue
            rows = table.frame[column].astype(str).isin(set(values))
            for index in rows[rows].index[:MAX_FINDINGS]:
                findings.append(Problem(int(table.frame.at[index, LINE]), display, "patient_identifiable", message))
    findings.extend(_record_level(table))
    if findings and not recognised and organisation_rows(table) is not None:
        findings.append(
            Problem(
                None,
                None,
                "organisations_not_recognised",
                "Each row has a code of its own, as a list of organisations has, but the file is of no format read "
                "here, so its postcodes and addresses are not taken for organisations'. Load organisations from the "
                "ODS files (docs/formats/ods.md).",
            )
        )
    return findings


def _record_level(table: Table) -> list[Problem]:
    """A file of one row per person: every numerator 0 or 1 over a denominator of 1, across many rows."""
    columns = {normalise(c): c for c in table.header}
    if "numerator" not in columns or "denominator" not in columns or len(table.frame) < 50:
        return []
    # On the distinct cells (a million rows hold a few thousand), denominators first: they settle most files.
    den = pd.to_numeric(pd.Series(pd.unique(table.frame[columns["denominator"]])), errors="coerce")
    if not (den.notna().all() and (den == 1).all()):
        return []
    num = pd.to_numeric(pd.Series(pd.unique(table.frame[columns["numerator"]])), errors="coerce")
    if np.isin(num.dropna(), [0, 1]).all():
        return [
            Problem(
                None,
                columns["denominator"],
                "record_level",
                "Every row has a denominator of 1: this looks like a record-level (one row per person) file. "
                "Upload aggregate counts only.",
            )
        ]
    return []

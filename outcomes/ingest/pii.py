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

IDENTIFIER_COLUMNS = {
    "nhs_number",
    "nhs_no",
    "nhsno",
    "nhsnumber",
    "nhs_num",
    "chi_number",
    "patient_id",
    "patient_number",
    "person_id",
    "pseudo_id",
    "pseudonym",
    "mrn",
    "hospital_number",
    "local_patient_id",
    "record_id",
    "patient_name",
    "forename",
    "forenames",
    "first_name",
    "firstname",
    "given_name",
    "surname",
    "last_name",
    "lastname",
    "family_name",
    "full_name",
    "patient",
    "name_of_patient",
    "dob",
    "date_of_birth",
    "birth_date",
    "birthdate",
    "d_o_b",
    "postcode",
    "post_code",
    "postal_code",
    "address",
    "address_line_1",
    "home_address",
    "patient_postcode",
    "email",
    "email_address",
    "phone",
    "telephone",
    "mobile",
    "phone_number",
}
#: What may separate the 3-3-4 groups: a space (also a no-break or thin one), a hyphen or a dot.
SEPARATOR = "[ \\-.\u00a0\u2009\u202f]"
SPACE = "[ \\-\u00a0\u2009\u202f]"  # ... all but the dot, which a whole cell may use only in both places
NHS_NUMBER = re.compile(
    rf"^\s*(?:(\d{{3}}){SPACE}?(\d{{3}}){SPACE}?(\d{{4}})|(\d{{3}})\.(\d{{3}})\.(\d{{4}}))\s*$"
)  # not 105185.6531, a denominator
#: Ten digits written in scientific notation to eight or more significant digits (9434765919 as 9.434765919E+09).
SCIENTIFIC_TEN_DIGITS = re.compile(r"^\s*[1-9]\.[0-9]{7,9}[eE]\+?0?9\s*$")
#: A 3-3-4 run of ten digits (one separator style, or none) inside text, on word boundaries; not part of a
#: longer number, a decimal (``0.9434765919``) or a code (``ID9434765919``).
NHS_NUMBER_IN_TEXT = re.compile(rf"(?<![\w.,])(\d{{3}})({SEPARATOR}?)(\d{{3}})\2(\d{{4}})(?![\w]|[.,]\d)")
POSTCODE_PATTERN = r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b"
POSTCODE = re.compile(POSTCODE_PATTERN, re.IGNORECASE)
#: A date of birth written into text ("John Smith, born 12/03/1956", "DOB: 1 March 1956").
DATE_OF_BIRTH_IN_TEXT = re.compile(
    r"\b(?:born(?:\s+on)?|d\.?\s?o\.?\s?b\.?|date\s+of\s+birth)\s*[:\-]?\s*"
    r"[0-9]{1,4}[/.\- ](?:[0-9]{1,2}|[A-Za-z]{3,9})[/.\- ][0-9]{2,4}",
    re.IGNORECASE,
)
#: What any of the cell checks below could find, in one pass over a column's distinct values: a postcode, an
#: "@", or a word that can introduce a date of birth.
SUSPICIOUS = rf"{POSTCODE_PATTERN}|@|born|d\.?\s?o\.?\s?b|birth"
#: An email address inside a cell (an organisation's generic address in a table of organisations is exempt).
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

MAX_FINDINGS = 20

#: Header words (tokens of the normalised name) that mean patient-identifiable data wherever they appear.
IDENTIFIER_WORDS = {
    "dob",
    "forename",
    "forenames",
    "surname",
    "surnames",
    "firstname",
    "lastname",
    "givenname",
    "familyname",
    "fullname",
    "middlename",
    "maidenname",
    "nhsnumber",
    "nhsno",
    "nhsnum",
    "address",
    "addresses",
    "birthdate",
    "dateofbirth",
    "birthday",
    "birthdays",
    "bday",
    "email",
    "emails",
    "emailaddress",
}
#: A column named only for when someone was born (``born``, ``date_born``, ``born_on``); "born" among other words
#: (``babies_born``, ``born_in_uk``) is an aggregate or a category.
BORN_KEYS = {"born", "date_born", "born_date", "born_on", "when_born", "dt_born"}
#: Adjacent word pairs that do (``first name``, ``NHS No.``, ``patient id``).
IDENTIFIER_PAIRS = {
    **{(w, "name"): True for w in ("first", "last", "given", "family", "full", "middle", "maiden", "sur", "fore")},
    **{("nhs", w): True for w in ("number", "no", "num", "nbr", "id")},
    **{(w, n): True for w in ("phone", "telephone", "mobile", "tel") for n in ("number", "no")},
    ("email", "address"): True,
    ("e", "mail"): True,
    **{
        (who, w): True
        for who in ("patient", "person", "client", "service_user", "resident", "pupil", "child")
        for w in ("id", "identifier", "number", "no", "ref", "reference", "name", "names", "dob", "postcode")
    },
}
#: "birth" identifies a person unless the column is about births in aggregate (weight, place, country...).
BIRTH_AGGREGATE = {"weight", "weights", "rate", "rates", "count", "counts", "order", "place", "country", "outcome"}
#: "postcode" identifies a household unless aggregated to a district or sector.
POSTCODE_AGGREGATE = {"district", "sector", "area"}
#: "name" is a person's unless the column names an organisation, area or indicator.
ORGANISATION_WORDS = {
    "practice",
    "practices",
    "surgery",
    "org",
    "organisation",
    "organization",
    "pcn",
    "icb",
    "ics",
    "ccg",
    "trust",
    "provider",
    "site",
    "area",
    "parent",
    "location",
    "borough",
    "la",
    "region",
    "ward",
    "geography",
    "indicator",
    "measure",
    "metric",
    "category",
    "breakdown",
    "team",
    "service",
    # NHS and public bodies: commissioners (CCG, STP, ICB, sub-ICB, commissioning region "CR"), trusts,
    # hospitals, councils, schools, networks, and statistical areas (LSOA, MSOA, local authority districts).
    "stp",
    "cr",
    "sicbl",
    "subicb",
    "subregion",
    "commissioner",
    "commissioners",
    "commissioning",
    "authority",
    "council",
    "hospital",
    "hospitals",
    "school",
    "schools",
    "academy",
    "college",
    "nursery",
    "pharmacy",
    "hospice",
    "network",
    "federation",
    "lsoa",
    "msoa",
    "oa",
    "lad",
    "ltla",
    "utla",
    "nhser",
    "district",
    "county",
    "country",
    "nation",
    "constituency",
    "unit",
    "department",
    "directorate",
    "specialty",
    # ONS geography abbreviations (region, country, ward, county, combined authority, constituency) and ODS.
    "rgn",
    "ctry",
    "wd",
    "cty",
    "cauth",
    "pcon",
    "ods",
    # Companies and things, not people: the GP IT system supplier of NHS Digital's practice map
    # (``SUPPLIER_NAME``, from 2026), publications and datasets, medicines, conditions and groups.
    "supplier",
    "suppliers",
    "system",
    "vendor",
    "company",
    "contractor",
    "publisher",
    "publication",
    "dataset",
    "product",
    "drug",
    "chemical",
    "bnf",
    "condition",
    "disease",
    "group",
    "programme",
    "clinic",
    "centre",
    "center",
    # Seen refused on real files (7 December 2026, late): NHS England's list sizes ("Regional Office Name",
    # "PCO Name"), the ODS sub-ICB lookup ("Integrated Care Board Name"), QOF's organisation reference
    # (REGIONAL_LOCAL_OFFICE_NAME) and its personalised care adjustment lookup (PCA_EXCL_NAME).
    "regional",
    "office",
    "pco",
    "board",
    "branch",
    "locality",
    "neighbourhood",
    "cluster",
    "dispensary",
    "gp",
    "lhb",
    "pca",
    "excl",
    "exclusion",
    "exception",
    "adjustment",
    "domain",
}
#: Columns that hold organisation codes (a practice, PCN, trust, commissioner...): a table with one of these,
#: unique on every row, is a list of organisations, whose postcodes, addresses and telephones are theirs.
ORGANISATION_CODE_COLUMNS = {
    "code",
    "org_code",
    "organisation_code",
    "organization_code",
    "ods_code",
    "practice_code",
    "practice",
    "prac_code",
    "gp_code",
    "pcn_code",
    "partner_organisation_code",
    "trust_code",
    "provider_code",
    "site_code",
    "school_urn",
    "urn",
}
ODS_CODE = re.compile(r"^[A-Z0-9]{3,6}$")
#: Columns of a file of measurements (the generic template): its rows are values for areas, so one value per
#: practice does not make it a list of organisations whose names and postcodes may pass.
MEASUREMENT_COLUMNS = {"indicator_code", "indicator", "indicator_id", "measure_code", "numerator", "denominator"}
#: Words that make a contact column a person's (``Address of patient``, ``client telephone``).
PERSON_WORDS = {"patient", "patients", "person", "client", "resident", "pupil", "child", "user", "carer", "home"}
#: What an organisation has that a person also has: exempt from the checks only when rows are organisations.
CONTACT_WORDS = {
    "postcode",
    "postcodes",
    "post_code",
    "address",
    "addresses",
    "telephone",
    "phone",
    "email",
    "fax",
    "tel",
    "contact",
    "mail",
}
#: ... and the numbered or run-together forms real files use (epraccur copies' ``Address1``..``Address5``,
#: ``TelNo``).
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
    if SCIENTIFIC_TEN_DIGITS.match(text):
        number = float(text)
        return number.is_integer() and nhs_number_valid(str(int(number)))
    return any(nhs_number_valid(m[1] + m[3] + m[4]) for m in NHS_NUMBER_IN_TEXT.finditer(text))


def _nhs_number_cells(column: pd.Series) -> pd.Series:
    text = column.astype(str)
    candidate = (
        text.str.match(NHS_NUMBER.pattern)
        | text.str.contains(rf"\d{{3}}{SEPARATOR}?\d{{3}}{SEPARATOR}?\d{{4}}", regex=True)
        | text.str.match(SCIENTIFIC_TEN_DIGITS.pattern)
    )
    if not candidate.any():
        return candidate
    valid = text[candidate].map(holds_nhs_number)
    out = pd.Series(False, index=column.index)
    out[valid[valid].index] = True
    return out


def find_identifiers(
    table: Table, exempt_columns: Collection[str] = frozenset(), exempt_headers: Collection[str] = frozenset()
) -> list[Problem]:
    """Every reason to believe the file holds patient-level or identifiable data (empty if none).

    ``exempt_columns`` (keys of ``table.frame``) are skipped by the cell checks only: a reader of a known
    reference format declares them (``Reader.pii_exempt_columns``), e.g. the organisation address, postcode
    and telephone columns of the NHS ODS practice file, which hold an organisation's details, not a patient's.
    ``exempt_headers`` (the file's own column names) are skipped by the column-name check only: a reader
    declares the columns of its format that hold an organisation's name (``Reader.pii_exempt_headers``), e.g.
    the ePCN file's "Partner Name" (the practice). The record-level check still runs on every column.
    A table whose rows are organisations (``organisation_rows``) has its postcode, address, telephone and email
    columns exempted the same way; names, NHS numbers and dates of birth are still checked.
    """
    findings: list[Problem] = []
    organisations = organisation_rows(table)
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
        elif name not in exempt_headers and len(name) >= 10 and holds_nhs_number(name):
            findings.append(
                Problem(
                    table.header_line,
                    None,
                    "patient_identifiable",
                    "A column name looks like an NHS number (it passes the Modulus 11 check).",
                )
            )
    for column in [c for c in table.frame.columns if c != LINE and c not in exempt_columns]:
        display = column.split("\u0000")[0]
        # Checks run on distinct values (codes repeat a lot), then map back to rows only when one is flagged.
        distinct = pd.Series(pd.unique(table.frame[column])).astype(str).drop_duplicates()
        # one pass over every value for postcodes and emails; the few it finds are told apart below
        suspicious = distinct[distinct.str.contains(SUSPICIOUS, case=False, regex=True)]
        flagged = {
            "This cell looks like an NHS number (it passes the Modulus 11 check).": distinct[
                _nhs_number_cells(distinct)
            ],
            "This cell looks like a full postcode, which can identify a household.": suspicious[
                suspicious.str.contains(POSTCODE.pattern, case=False, regex=True)
            ],
            "This cell holds an email address, which can identify a person.": suspicious[
                suspicious.str.contains(EMAIL.pattern, regex=True)
            ],
            "This cell gives a date of birth.": suspicious[
                suspicious.str.contains(DATE_OF_BIRTH_IN_TEXT.pattern, case=False, regex=True)
            ],
        }
        for message, values in flagged.items():
            if values.empty:
                continue
            rows = table.frame[column].astype(str).isin(set(values))
            for index in rows[rows].index[:MAX_FINDINGS]:
                findings.append(Problem(int(table.frame.at[index, LINE]), display, "patient_identifiable", message))
    findings.extend(_record_level(table))
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

"""What a line of the ODS epraccur file looks like: the one layout read here whose first line is data.

Its own module, below the readers, so that the table builder can tell a one-practice epraccur (a single line, no
header) from a file of column names with no rows, without importing the readers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: epraccur's 27 columns, by position (NHS Digital/England ODS "GP Practices" file layout).
EPRACCUR_COLUMNS = (
    "organisation_code",
    "name",
    "national_grouping",
    "high_level_health_geography",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "address_line_4",
    "address_line_5",
    "postcode",
    "open_date",
    "close_date",
    "status_code",
    "organisation_sub_type_code",
    "commissioner",
    "join_provider_purchaser_date",
    "left_provider_purchaser_date",
    "contact_telephone_number",
    "null_1",
    "null_2",
    "null_3",
    "amended_record_indicator",
    "null_4",
    "provider_purchaser",
    "null_5",
    "prescribing_setting",
    "null_6",
)
#: Columns a copy may have and still be read by position: the published 27, or a few fewer (Excel drops empty
#: trailing columns when it saves a sheet; the close date and status, in columns 12 and 13, must be there) or more
#: (a column ODS adds at the end, or a delimiter ending every line).
EPRACCUR_WIDTHS = range(13, len(EPRACCUR_COLUMNS) + 4)
PRACTICE_CODE = re.compile(r"^[A-Z]\d{5}$")
#: GP practice codes of ODS that are not English practices, so never ours: the Channel Islands (Alderney,
#: Guernsey, Jersey: ALD200, GUE700, JER001, published in the national epraccur) and Scotland (five digits).
#: Welsh (W00001) and Northern Irish (Z00001) codes have the English shape and are simply not ours.
OUTSIDE_ENGLAND_CODE = re.compile(r"^(?:(?:ALD|GUE|JER)\d{3}|\d{5})$")
YYYYMMDD = re.compile(r"^\d{8}$")


def is_epraccur_line(cells: Sequence[str]) -> bool:
    """A line of epraccur: its width, a practice code first and an open date (YYYYMMDD) in column 11."""
    cells = [c.strip() for c in cells]
    return (
        len(cells) in EPRACCUR_WIDTHS
        and bool(PRACTICE_CODE.match(cells[0]) or OUTSIDE_ENGLAND_CODE.match(cells[0]))
        and bool(YYYYMMDD.match(cells[10]))
    )

"""Harrow's five PCNs: the local codes they carried until ODS codes replaced them, and ODS's membership start.

Until migration 0017 our PCN areas had invented codes (``HRW-PCN-HS``...), so published PCN rows (Fingertips,
ePCN) matched nothing and the first ePCN import re-dated every membership. They now carry the codes of the ODS
ePCN workbook; the old codes live on as ``AreaAlias`` rows, so old links redirect and old files still load
(docs/adr/0017-real-ods-codes-for-pcns.md). Pure data: no Django import, so tests and tools can read it.
"""

from __future__ import annotations

import datetime as dt

#: Former local code -> ODS code (ePCN workbook, checked against tests/data/real-files/ePCN_*_excerpt.xlsx).
FORMER_PCN_CODES: dict[str, str] = {
    "HRW-PCN-HS": "U84846",  # Healthsense PCN
    "HRW-PCN-HA": "U60450",  # Health Alliance PCN
    "HRW-PCN-HE": "U51050",  # Harrow East PCN
    "HRW-PCN-HCN": "U10339",  # Harrow Collaborative Network (ODS: HARROW COLLABORATIVE PCN)
    "HRW-PCN-SP": "U89806",  # Sphere PCN
}
#: The start ODS gives every original PCN membership (the PCNs opened on 1 October 2019).
ODS_MEMBERSHIP_START = dt.date(2019, 10, 1)
#: The start our fixtures invented before (the PCN DES began in July 2019, but ODS records October).
FORMER_MEMBERSHIP_START = dt.date(2019, 7, 1)

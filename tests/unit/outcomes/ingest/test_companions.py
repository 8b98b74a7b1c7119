"""Files published beside the data (QOF's lookups) are named for what they are, not read as the generic template.

The header lines are verbatim from NHS Digital's QOF raw data (2017/18, 2018/19 and 2020/21, Open Government Licence
v3.0), as held in public repositories (datascience2021-web/hyp, psychty/pcn_hi_2022_des), found on 7 December
2026.
"""

from __future__ import annotations

import pytest

from outcomes.ingest.companions import companion_file
from outcomes.ingest.sniff import sniff
from outcomes.ingest.table import read_table

HEADERS = {
    "MAPPING_INDICATORS_2021_v2.csv": "INDICATOR_CODE,INDICATOR_POINT_VALUE,GROUP_CODE,GROUP_DESCRIPTION,DOMAIN_CODE,"
    "DOMAIN_DESCRIPTION,PATIENT_LIST_TYPE",
    "INDICATOR_MAPPINGS_1819_v2.csv": "INDICATOR_CODE,INDICATOR_DESCRIPTION,INDICATOR_POINT_VALUE,"
    "INDICATOR_GROUP_CODE,INDICATOR_GROUP_DESCRIPTION,DOMAIN_CODE,DOMAIN_DESCRIPTION,PATIENT_LIST_TYPE",
    "MAPPING_PCAS_EXCL_TO_INDICATOR_2021_v2.csv": "INDICATOR_CODE,PCA_EXCL_NAME,PCA_EXCL_SHORT_NAME,"
    "PCA_EXCL_DESCRIPTION,TYPE,GENERAL_SPECIFIC,PCA_CATEGORY,PCA_CATEGORY_DESCRIPTION",
    "ORGANISATION_REFERENCE_2021.csv": "PRACTICE_CODE,REVISED_MAXIMUM_POINTS",
    "ORGANISATION_REFERENCE_1819_v2.csv": "PRACTICE_CODE,PRACTICE_NAME,CCG_CODE,CCG_ONS_CODE,CCG_NAME,STP_ONS_CODE,"
    "STP_NAME,REGIONAL_LOCAL_OFFICE_CODE,REGIONAL_LOCAL_OFFICE_ONS_CODE,REGIONAL_LOCAL_OFFICE_NAME,REGION_CODE,"
    "REGION_ONS_CODE,REGION_NAME,COUNTRY,REVISED_MAXIMUM_POINTS",
    "ORGANISATION_REFERENCE_1718.csv": "PRACTICE_CODE,PRACTICE_NAME,CCG_CODE,CCG_GEOGRAPHY_CODE,CCG_NAME,STP_CODE,"
    "STP_NAME,SUBREGION_CODE,SUBREGION_GEOGRAPHY_CODE,SUBREGION_NAME,REGION_CODE,REGION_GEOGRAPHY_CODE,REGION_NAME,"
    "COUNTRY,REVISED_MAXIMUM_POINTS",
    "PRACTICE_VALIDATION_OUTCOMES_2021.csv": "PRACTICE_CODE,VALIDATION_RULE,RULE_DESCRIPTION",
}


def table(header: str):
    content = (header + "\n" + ",".join("1" for _ in header.split(",")) + "\n").encode()
    return read_table(content, sniff(content))


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_each_qof_lookup_is_recognised_and_names_the_files_to_load(name):
    companion = companion_file(table(HEADERS[name]))
    assert companion is not None
    what = {
        "MAPPING_INDICATORS_2021_v2.csv": "indicator lookup",
        "INDICATOR_MAPPINGS_1819_v2.csv": "indicator lookup",
        "MAPPING_PCAS_EXCL_TO_INDICATOR_2021_v2.csv": "personalised care adjustment lookup",
        "ORGANISATION_REFERENCE_2021.csv": "organisation reference",
        "ORGANISATION_REFERENCE_1819_v2.csv": "organisation reference",
        "ORGANISATION_REFERENCE_1718.csv": "organisation reference",
        "PRACTICE_VALIDATION_OUTCOMES_2021.csv": "practice validation outcomes",
    }
    assert what[name] in companion.what
    assert "PREVALENCE_YYZZ.csv" in companion.message()
    # Before 2019/20 (no PCNs) QOF published no geography lookup: the advice must not send the analyst to one.
    before_pcns = name.endswith(("1718.csv", "1819_v2.csv"))
    assert ("MAPPING_NHS_GEOGRAPHIES_YYZZ.csv (practices" in companion.message()) is not before_pcns
    assert ("ePCN workbook" in companion.message()) is before_pcns
    assert ("INDICATOR_MAPPINGS_YYZZ" in companion.what) is (name == "INDICATOR_MAPPINGS_1819_v2.csv")


@pytest.mark.parametrize(
    "header",
    [
        "indicator_code,org_code,period_start,period_end,numerator,denominator",  # the generic template
        "PRACTICE_CODE,GROUP_CODE,REGISTER,PRACTICE_LIST_SIZE",  # QOF prevalence
        "Indicator ID,Indicator Name,Area Code,Value",  # Fingertips
    ],
)
def test_data_files_are_not_taken_for_lookups(header):
    assert companion_file(table(header)) is None


# ODS's postcode directory: verbatim lines of pcodey63.csv (tests/data/real-files/SOURCES.md).
POSTCODES = (
    b'"BB18 6JH","QWO","36J"\r\n"BB18 6JR","QWO","36J"\r\n"BB8  6JR","QWO","36J"\r\n"BD11 1JR","QWO","X2C4Y"\r\n'
)


def headerless(content: bytes):
    return read_table(content, sniff(content))


def test_the_ods_postcode_directory_is_a_list_of_places():
    companion = companion_file(headerless(POSTCODES))
    assert companion is not None and companion.places
    assert "postcode directory" in companion.what and "ePCN workbook" in companion.message()


@pytest.mark.parametrize(
    "change",
    [
        (b'"QWO","36J"\r\n"BB18 6JR"', b'"QWO","36J"\r\n"BB18 6JH"'),  # a postcode twice: people share households
        (b'"BB8  6JR","QWO","36J"', b'"BB8  6JR","QWO","E84004"'),  # a practice's code: a list of patients
        (b'"BB8  6JR","QWO","36J"', b'"BB8  6JR","QWO","Jo Bloggs"'),  # a name
        (b'"BB8  6JR","QWO","36J"', b'"BB8  6JR","QWO","1961"'),  # a year, a number
        (b'"BB8  6JR","QWO","36J"', b'"Flat 2","QWO","36J"'),  # an address, not a postcode
    ],
)
def test_anything_but_places_is_not_the_postcode_directory(change):
    content = POSTCODES.replace(*change)
    assert content != POSTCODES
    assert companion_file(headerless(content)) is None

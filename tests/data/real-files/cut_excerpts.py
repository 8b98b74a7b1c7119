"""How the excerpts in this folder were cut from the published files (see SOURCES.md). Not run by the tests.

    python tests/data/real-files/cut_excerpts.py /path/to/the/full/files

Rows are kept verbatim and in their original order (text files: the lines' bytes; workbooks: each kept row's XML,
with its formulas and cached values, renumbered, the shared strings pruned to those still used).
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
HARROW_PRACTICE = re.compile(r"^E84\d{3}$")
#: Our one Harrow practice whose code is not E84 (the 2022/23 and later excerpts keep it too).
HARROW_Y_PRACTICE = "Y05080"
NWL_SUB_ICB = {"W2U3Z", "08E", "07W", "07P", "08C", "08G", "08Y", "09A", "07Y", "QRV"}


def cut_text(source: Path, target: Path, keep: Callable[[int, list[str]], bool], header: bool = True) -> None:
    """Keep line 1 (when ``header``) and every line whose parsed fields ``keep`` accepts, byte for byte."""
    data = source.read_bytes()
    lines = data.splitlines(keepends=True)
    out = []
    for number, raw in enumerate(lines, start=1):
        fields = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))), [])
        if (header and number == 1) or keep(number, fields):
            out.append(raw)
    target.write_bytes(b"".join(out))


def cut_records(source: Path, target: Path, keep: Callable[[int, list[str]], bool]) -> None:
    """As ``cut_text``, for files whose quoted fields hold line breaks: whole records (their physical lines, byte
    for byte) are kept or dropped; ``keep`` gets the record's number (the header is 1) and its fields."""
    data = source.read_bytes()
    lines = data.splitlines(keepends=True)
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    out, first = [], 0
    for number, fields in enumerate(reader, start=1):
        last = reader.line_num
        if number == 1 or keep(number, fields):
            out.extend(lines[first:last])
        first = last
    target.write_bytes(b"".join(out))


def fingertips_county_ua(number: int, f: list[str]) -> bool:
    return f[4] in {"E92000001", "E12000007", "E09000015"} or number % 40 == 0


def epraccur(number: int, f: list[str]) -> bool:
    code, icb, status = f[0], f[3], f[12]
    return icb == "QRV" or code[:3] in {"ALD", "GUE", "JER"} or status in {"D", "P"} or number % 50 == 0


def epraccur_2026(number: int, f: list[str]) -> bool:
    code, status = f[0], f[12]
    ours = code.startswith("E84") or code == HARROW_Y_PRACTICE
    other = not re.fullmatch(r"[A-Z]\d{5}", code)  # Channel Islands, and the ward listed as a cost centre
    return ours or other or (status == "DORMANT" and number % 10 == 0) or number % 100 == 0


def epraccur_2019(number: int, f: list[str]) -> bool:
    return f[0].startswith("E84") or f[0][:3] in {"ALD", "GUE", "JER"} or number % 100 == 0


def fingertips_91547(number: int, f: list[str]) -> bool:
    area, parent, denominator = f[4], f[2], f[18]
    ours = area in {"E92000001", "E12000007", "E09000015", "E54000027", "E38000256", "E38000074", "08E"}
    fractional = bool(re.fullmatch(r"\d+\.\d+", denominator)) and number % 10 == 0
    return ours or HARROW_PRACTICE.match(area) is not None or parent == "E38000074" or fractional or number % 60 == 0


HARROW_PCNS = {"U84846", "U60450", "U51050", "U10339", "U89806"}


def fingertips_93930(number: int, f: list[str]) -> bool:
    if len(f) < 10:
        return False
    area, category_type = f[4], f[9]
    england = area == "E92000001" and category_type == ""
    return england or area in HARROW_PCNS or HARROW_PRACTICE.match(area) is not None or number % 100 == 0


def gp_registrations(number: int, f: list[str]) -> bool:
    return f[3] == "08E" or number % 40 == 0


def qof_mapping(number: int, f: list[str]) -> bool:
    return HARROW_PRACTICE.match(f[14]) is not None or number % 40 == 0


def qof_prevalence(number: int, f: list[str]) -> bool:
    return HARROW_PRACTICE.match(f[0]) is not None or (f[0].startswith("A81") and number % 7 == 0)


def qof_prevalence_2223(number: int, f: list[str]) -> bool:
    ours = HARROW_PRACTICE.match(f[0]) is not None or f[0] == HARROW_Y_PRACTICE
    mapped = ours and f[1] in {"DM", "HYP", "PC"}
    return mapped or f[0] == "A81001" or number % 1000 == 0


def qof_prevalence_1819(number: int, f: list[str]) -> bool:
    return qof_prevalence_2223(number, f)


def gp_registrations_map(number: int, f: list[str]) -> bool:
    return HARROW_PRACTICE.match(f[2]) is not None or f[2] == HARROW_Y_PRACTICE or number % 40 == 0


def qof_mapping_2223(number: int, f: list[str]) -> bool:
    return f[14] == HARROW_Y_PRACTICE or qof_mapping(number, f)


def ods_postcodes(number: int, f: list[str]) -> bool:
    """The first 100 lines, every 1,000th line whose postcode is padded with two spaces or whose sub-ICB code has
    five characters, and every 2,000th line."""
    padded = "  " in f[0] or len(f[2]) == 5
    return number <= 100 or (padded and number % 1000 == 0) or number % 2000 == 0


# ------------------------------------------------------------------------------------------------ workbooks

ROW = re.compile(rb"<row [^>]*?r=\"(\d+)\"[^>]*?(?:/>|>.*?</row>)", re.S)
CELL_REF = re.compile(rb'(<c [^>]*?r=")([A-Z]+)(\d+)(")')
SHARED = re.compile(rb'(<c [^>]*?t="s"[^>]*>(?:<f>.*?</f>)?<v>)(\d+)(</v>)', re.S)


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters.decode():
        number = number * 26 + ord(letter) - 64
    return number - 1


def _rows_values(book: zipfile.ZipFile, sheet: str, strings: list[bytes]) -> dict[int, list[str]]:
    """Each row's cell texts by column position (shared strings resolved), to decide what to keep."""
    xml = book.read(sheet)
    cell = re.compile(rb'<c r="([A-Z]+)\d+"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
    rows = {}
    for match in ROW.finditer(xml):
        texts: list[str] = []
        for letters, attributes, inner in cell.findall(match[0]):
            value = re.search(rb"<v>(.*?)</v>|<t[^>]*>(.*?)</t>", inner or b"", re.S)
            text = (value[1] if value and value[1] is not None else (value[2] if value else b"")) or b""
            if b't="s"' in attributes and text:
                text = re.sub(rb"<[^>]+>", b"", strings[int(text)])
            index = _column(letters)
            texts += [""] * (index + 1 - len(texts))
            texts[index] = text.decode()
        rows[int(match[1])] = texts
    return rows


def cut_workbook(source: Path, target: Path, keep: dict[str, Callable[[int, list[str]], bool]]) -> None:
    """Keep row 1 and the rows ``keep[sheet path]`` accepts on each named sheet; other parts copied as they are,
    except calcChain.xml (it lists cells that are gone; Excel rebuilds it) and the pruned shared strings."""
    book = zipfile.ZipFile(source)
    shared = book.read("xl/sharedStrings.xml")
    items = re.findall(rb"<si>.*?</si>", shared, re.S)
    sheets = {}
    for path, predicate in keep.items():
        values = _rows_values(book, path, items)
        xml = book.read(path)
        kept, new_number = [], 0
        for match in ROW.finditer(xml):
            number = int(match[1])
            if number == 1 or predicate(number, values[number]):
                new_number += 1
                row = re.sub(rb'(<row [^>]*?r=")\d+(")', rb"\g<1>%d\g<2>" % new_number, match[0], count=1)
                row = CELL_REF.sub(lambda m, n=new_number: m[1] + m[2] + str(n).encode() + m[4], row)
                kept.append(row)
        start, end = xml.index(b"<sheetData>") + len(b"<sheetData>"), xml.index(b"</sheetData>")
        body = xml[:start] + b"".join(kept) + xml[end:]
        body = re.sub(rb'(<dimension ref="[A-Z]+1:[A-Z]+)\d+(")', rb"\g<1>%d\g<2>" % new_number, body)
        sheets[path] = body
    used: dict[int, int] = {}
    for body in sheets.values():
        for m in SHARED.finditer(body):
            used.setdefault(int(m[2]), len(used))
    for path in list(sheets):
        sheets[path] = SHARED.sub(lambda m: m[1] + str(used[int(m[2])]).encode() + m[3], sheets[path])
    order = sorted(used, key=used.get)
    head = shared[: shared.index(b"<si>")]
    head = re.sub(rb'count="\d+"', b'count="%d"' % len(order), head)
    head = re.sub(rb'uniqueCount="\d+"', b'uniqueCount="%d"' % len(order), head)
    new_shared = head + b"".join(items[i] for i in order) + b"</sst>"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in book.infolist():
            if info.filename == "xl/calcChain.xml":
                continue
            data = sheets.get(info.filename) or book.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                data = new_shared
            if info.filename in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
                data = re.sub(rb"<(Override|Relationship)[^>]*calcChain[^>]*/>", b"", data)
            out.writestr(info.filename, data)


def epcn_keep(sub_icb_columns: tuple[int, ...], every: int) -> Callable[[int, list[str]], bool]:
    def keep(number: int, row: list[str]) -> bool:
        ours = any(i < len(row) and row[i] in NWL_SUB_ICB for i in sub_icb_columns)
        return ours or (bool(row) and row[0].startswith("E84")) or number % every == 0

    return keep


def main(folder: Path) -> None:
    cut_text(folder / "epraccur_2024_andersthemagi.csv", HERE / "epraccur_2024_excerpt.csv", epraccur, header=False)
    cut_text(folder / "epraccur_2026_lyra.csv", HERE / "epraccur_2026_excerpt.csv", epraccur_2026, header=False)
    cut_text(folder / "epraccur_2019_psychty.csv", HERE / "epraccur_2019-12_excerpt.csv", epraccur_2019, header=False)
    cut_text(
        folder / "fingertips_91547_smoking_qof_all_areas.csv", HERE / "fingertips_91547_excerpt.csv", fingertips_91547
    )
    cut_text(folder / "ed_under5.csv", HERE / "fingertips_93930_pcn_excerpt.csv", fingertips_93930)
    cut_records(
        folder / "indicators-CountyUA.data.csv",
        HERE / "fingertips_93356_older_layout_excerpt.csv",
        fingertips_county_ua,
    )
    cut_text(
        folder / "gp-reg-pat-prac-all_2021-01.csv", HERE / "gp_registrations_2021-01_excerpt.csv", gp_registrations
    )
    cut_text(folder / "qof_MAPPING_NHS_GEOGRAPHIES_2021.csv", HERE / "qof_mapping_2021_excerpt.csv", qof_mapping)
    cut_text(folder / "qof_PREVALENCE_2021_v2.csv", HERE / "qof_prevalence_2021_excerpt.csv", qof_prevalence)
    cut_text(folder / "PREVALENCE_1819_v2.csv", HERE / "qof_prevalence_1819_excerpt.csv", qof_prevalence_1819)
    cut_text(folder / "PREVALENCE_2223.csv", HERE / "qof_prevalence_2223_excerpt.csv", qof_prevalence_2223)
    cut_text(folder / "MAPPING_NHS_GEOGRAPHIES_2223.csv", HERE / "qof_mapping_2223_excerpt.csv", qof_mapping_2223)
    cut_text(
        folder / "gp-reg-pat-prac-map.csv", HERE / "gp_registrations_map_2026-08_excerpt.csv", gp_registrations_map
    )
    cut_text(folder / "pcodey63.csv", HERE / "ods_pcodey63_excerpt.csv", ods_postcodes, header=False)
    cut_workbook(
        folder / "ePCN_2023-02_blackwellrd.xlsx",
        HERE / "ePCN_2023-02_excerpt.xlsx",
        {"xl/worksheets/sheet1.xml": epcn_keep((2,), 25), "xl/worksheets/sheet2.xml": epcn_keep((2, 6), 60)},
    )
    cut_workbook(
        folder / "ePCN_2019-12_psychty.xlsx",
        HERE / "ePCN_2019-12_excerpt.xlsx",
        {"xl/worksheets/sheet1.xml": epcn_keep((2,), 25), "xl/worksheets/sheet2.xml": epcn_keep((2, 6), 60)},
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))

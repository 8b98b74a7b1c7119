"""The README's format table and docs/formats are true: every name in the table is a choice of `manage.py ingest
--format`, every reader is in the table, and each reader's page says where to download its file (a link)."""

from __future__ import annotations

import re
from pathlib import Path

from outcomes.ingest.readers import READERS
from outcomes.management.commands.ingest import FORMAT_ALIASES, Command

ROOT = Path(__file__).resolve().parents[4]


def format_table() -> list[tuple[list[str], Path]]:
    """(format names, documentation page) per row of the README's `--format` table."""
    readme = (ROOT / "README.md").read_text()
    table = readme.split("| format (`--format`) |", 1)[1].split("\n\n", 1)[0]
    rows = []
    for line in table.splitlines()[2:]:
        names_cell, _, docs_cell = line.strip("|").split("|")
        rows.append((re.findall(r"`([a-z_]+)`", names_cell), ROOT / re.search(r"\(([^)]+\.md)\)", docs_cell)[1]))
    return rows


def choices() -> list[str]:
    parser = Command().create_parser("manage.py", "ingest")
    return next(a.choices for a in parser._actions if a.dest == "format")


def test_every_format_the_readme_names_is_one_the_command_takes():
    named = {name for names, _ in format_table() for name in names}
    assert named, "the README's format table was not found"
    assert named <= set(choices()), named - set(choices())


def test_every_reader_and_alias_is_in_the_readme():
    named = {name for names, _ in format_table() for name in names}
    assert set(READERS) <= named, set(READERS) - named
    assert set(FORMAT_ALIASES) <= named, set(FORMAT_ALIASES) - named


def test_each_format_page_says_where_to_download_the_file():
    for names, page in format_table():
        text = page.read_text()
        assert page.exists(), page
        if names == ["generic"]:  # our own template: it comes from the repository
            assert "generic_template.csv" in text
            continue
        where = text[text.index("**Where") :]
        assert re.search(r"<https://[^>\s]+>|`https://[^`\s]+`", where[:1500]), (page.name, names)

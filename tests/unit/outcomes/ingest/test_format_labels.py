"""Every format code an extract can record has words for the pages; an unknown code is shown as it is."""

from __future__ import annotations

from outcomes.ingest.readers import OTHER_FORMATS, READERS, format_label


def test_every_reader_and_every_other_format_has_a_label():
    for name, reader in READERS.items():
        assert format_label(name) == reader.label and reader.label != name
    for code, label in OTHER_FORMATS.items():
        assert format_label(code) == label and label


def test_an_unknown_code_is_shown_as_it_is():
    assert format_label("something_new") == "something_new"

"""The one reference-vector loader: tests/data/reference-vectors in the repository by default,
$HARROW_REFERENCE_VECTORS if set, and a missing folder fails rather than skips."""

from __future__ import annotations

import json

import pytest

from . import test_spc, test_spc_fast
from . import vectors as rv


def _write(folder, name: str, vector_ids: list[str]) -> None:
    (folder / f"{name}.json").write_text(json.dumps({"vectors": [{"id": i} for i in vector_ids]}))


def test_default_folder_is_inside_the_repository(monkeypatch) -> None:
    monkeypatch.delenv(rv.ENV_VAR, raising=False)
    assert rv.vectors_dir() == (rv.REPO_ROOT / "tests" / "data" / "reference-vectors").resolve()
    assert (rv.vectors_dir() / "spc.json").is_file()
    monkeypatch.setenv(rv.ENV_VAR, "  ")  # set but blank: the default still applies
    assert rv.vectors_dir() == rv.DEFAULT_VECTORS_DIR


def test_environment_variable_names_another_folder(monkeypatch, tmp_path) -> None:
    _write(tmp_path, "loader_probe", ["from-env"])
    monkeypatch.setenv(rv.ENV_VAR, str(tmp_path))
    assert rv.vectors_dir() == tmp_path.resolve()
    assert rv.ids("loader_probe") == ["from-env"]


def test_missing_folder_from_the_environment_raises_naming_it(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(rv.ENV_VAR, str(tmp_path / "absent"))
    with pytest.raises(FileNotFoundError, match=rv.ENV_VAR) as raised:
        rv.load("spc")
    assert str(tmp_path / "absent") in str(raised.value)
    assert rv.load_or_none("spc") is None


def test_spc_modules_read_through_the_single_loader(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv(rv.ENV_VAR, raising=False)
    assert test_spc.DATA is rv.load("spc")  # same cached object: no second path or parser of its own
    _write(tmp_path, "spc", ["only-in-env-folder"])
    monkeypatch.setenv(rv.ENV_VAR, str(tmp_path))
    assert [p.id for p in test_spc_fast.reference_vectors()] == ["only-in-env-folder"]
    monkeypatch.setenv(rv.ENV_VAR, str(tmp_path / "absent"))
    assert [p.id for p in test_spc_fast.reference_vectors()] == ["reference-vectors-missing"]
    assert str(tmp_path / "absent") in rv.missing_message("spc")

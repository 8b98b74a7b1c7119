"""The README's production steps are the ones CI runs: every command in its production block is in
``.ci/production-smoke`` (with the smoke test's port and user in place of the README's), and every variable the
README exports is exported there. The Celery worker and beat lines are the exception: the smoke test serves pages.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
NOT_RUN_BY_THE_SMOKE_TEST = ("celery ",)


def production_block() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Running in production", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return block.replace("\\\n", " ").splitlines()


def script() -> str:
    return (ROOT / ".ci" / "production-smoke").read_text()


def test_every_readme_production_command_is_run_by_the_smoke_test():
    commands = [line.split("  #", 1)[0].strip() for line in production_block() if not line.startswith("export ")]
    commands = [c for c in commands if c and not c.startswith(NOT_RUN_BY_THE_SMOKE_TEST)]
    assert len(commands) >= 7, commands
    text = script()
    for command in commands:
        command = re.sub(r"^(\w+=\S+ )+", "", command)  # HARROW_USER_PASSWORD=... : exported in the script
        command = command.replace("127.0.0.1:8000", "127.0.0.1:$PORT").replace(" jsmith ", " board.member ")
        assert command in text, f"README runs {command!r}; .ci/production-smoke does not"


def test_the_smoke_test_exports_every_variable_the_readme_sets():
    exports = " ".join(line for line in production_block() if line.startswith("export "))
    names = re.findall(r"\b([A-Z_]+)=", exports)
    assert {"DJANGO_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "STATIC_MANIFEST", "DATABASE_URL"} <= set(names)
    text = script()
    for name in names:
        assert re.search(rf"^export .*\b{name}=|^export {name}$", text, re.MULTILINE), f"{name} is not exported"

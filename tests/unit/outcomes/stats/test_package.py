import ast
from pathlib import Path

STATS_DIR = Path(__file__).resolve().parents[4] / "outcomes" / "stats"


def test_stats_modules_import_no_django():
    """The statistics engine stays pure: no module under outcomes/stats imports Django."""
    for module in STATS_DIR.glob("*.py"):
        tree = ast.parse(module.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n == "django" or n.startswith("django.") for n in names), module.name

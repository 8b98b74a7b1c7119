"""What the browser tests share: how to start Chromium, the demo logins, and axe's findings as text."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
# The flags this machine needs: no sandbox as root, no GPU, and no background connections (the network
# is closed, and Chromium's attempts to reach Google's hosts fail noisily). Playwright gives each
# launch a fresh, empty user data directory of its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORDS = {
    "board": "demo-board-2026",
    "analyst": "demo-analyst-2026",
    "pcnlead": "demo-pcnlead-2026",
    "admin": "demo-admin-2026",
    "sro": "demo-sro-2026",  # a board member who is an SRO
}
ROLES = ("board", "analyst", "pcnlead", "admin")
# The axe impacts that fail a test; "minor" and "moderate" ones are allowed.
BLOCKING_IMPACTS = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    """Run axe-core over the whole page (the copy inside axe-playwright-python: no network); its violations."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page).response["violations"]


def describe(violations: list[dict]) -> str:
    """Each violation with its rule, impact, help and the CSS selectors of the elements, for the message."""
    lines = []
    for v in violations:
        lines.append(f"  - {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl'].split('?')[0]}]")
        for node in v["nodes"][:10]:
            target = " >> ".join(" ".join(t) if isinstance(t, list) else t for t in node["target"])
            lines.append(f"      {target}: {node['html'][:160]}")
        if len(v["nodes"]) > 10:
            lines.append(f"      ... and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]

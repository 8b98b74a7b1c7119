"""What the browser tests share: how to start Chromium, the demo logins, axe's findings as text, and words broken
across lines."""

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


# Each word in the text under ``selector`` (optionally only in text inside ``within``) as a DOM range: a word
# split over two lines has two line boxes.
_BROKEN_WORDS = """({selector, within, pattern}) => [...document.querySelectorAll(selector)].flatMap(root => {
    const broken = [], walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT), re = new RegExp(pattern, "g");
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (within && !node.parentElement.closest(within)) continue;
        for (const m of node.data.matchAll(re)) {
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
            if (tops.size > 1) broken.push(m[0]);
        }
    }
    return broken;
})"""


def broken_words(page, selector: str, *, within: str | None = None, pattern: str = r"[A-Za-z]{4,}") -> list[str]:
    """The words (``pattern``: by default four or more letters, so a break after a hyphen is allowed) whose
    letters lie on two lines, in the text under ``selector``."""
    return page.evaluate(_BROKEN_WORDS, {"selector": selector, "within": within, "pattern": pattern})

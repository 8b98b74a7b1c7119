"""NHS England "Making Data Count" variation and assurance icons, drawn here as inline, accessible SVG.

Pure Python (no Django). The icons follow the MDC conventions (a grey circle for common cause; blue for
improvement, orange for concern, purple for neither; letters H and L for high and low; assurance P for pass,
F for fail and ? for hit and miss, in blue, orange and grey) but are our own drawings. Colour is never the only
cue: every icon also differs by letter and shape (a tick for improvement, an exclamation mark for concern, a
two-headed arrow for neither; the run of dots rises for high and falls for low), and carries its meaning as text:
``role="img"`` with an ``aria-label`` and a ``<title>`` (the title also gives a tooltip). No ``id`` attributes,
so the same icon can appear many times on one page. Templates should also print the short label from
``VARIATION_ICON_LABELS`` / ``ASSURANCE_ICON_LABELS`` beside the icon.

The codes are exactly those ``outcomes.stats.spc`` produces: ``SPCResult.variation_icon`` (``common_cause``,
``improvement_high``/``_low``, ``concern_high``/``_low``, ``neutral_high``/``_low``) and
``SPCResult.assurance_icon`` (``pass``, ``fail``, ``inconsistent``); the assurance *types*
(``consistent_pass``, ``consistent_fail``, ``inconsistent``) of ``SPCResult.assurance_type`` and
``SPCBatchResult.assurance_type`` are accepted as the same icons. ``None`` (no icon: an empty series, or no target
or a neutral direction for assurance) gives an empty string; any other code is a ValueError. Every string in the
output is fixed here, so nothing needs escaping.
"""

from __future__ import annotations

__all__ = [
    "ASSURANCE_ICON_LABELS",
    "ASSURANCE_ICON_TITLES",
    "ICON_COLOURS",
    "ICON_LABELS",
    "VARIATION_ICON_LABELS",
    "VARIATION_ICON_TITLES",
    "assurance_icon_svg",
    "variation_icon_svg",
]

# The same colours as the SPC chart's points (dashboards.figures), all at least 3:1 against white.
ICON_COLOURS = {
    "common_cause": "#768692",  # NHS mid grey
    "improvement": "#005eb8",  # NHS blue
    "concern": "#ed8b00",  # NHS orange
    "neutral": "#330072",  # NHS purple
}
_INK = "#212b32"  # NHS text colour: letters are dark on white, so they never rely on the ring's contrast

VARIATION_ICON_LABELS: dict[str, str] = {
    "common_cause": "Common cause variation",
    "improvement_high": "Improvement (high)",
    "improvement_low": "Improvement (low)",
    "concern_high": "Concern (high)",
    "concern_low": "Concern (low)",
    "neutral_high": "Neither improvement nor concern (high)",
    "neutral_low": "Neither improvement nor concern (low)",
}

VARIATION_ICON_TITLES: dict[str, str] = {
    "common_cause": "Common cause variation: no significant change",
    "improvement_high": "Special cause variation: improvement (higher is better)",
    "improvement_low": "Special cause variation: improvement (lower is better)",
    "concern_high": "Special cause variation: concern (higher, where lower is better)",
    "concern_low": "Special cause variation: concern (lower, where higher is better)",
    "neutral_high": "Special cause variation: higher, neither improvement nor concern",
    "neutral_low": "Special cause variation: lower, neither improvement nor concern",
}

ASSURANCE_ICON_LABELS: dict[str, str] = {
    "pass": "Consistently passing the target",
    "fail": "Consistently failing the target",
    "inconsistent": "Hit and miss against the target",
}

ASSURANCE_ICON_TITLES: dict[str, str] = {
    "pass": "Assurance: the process will consistently meet the target",
    "fail": "Assurance: the process will consistently fail to meet the target unless it changes",
    "inconsistent": "Assurance: hit and miss, the target will sometimes be met and sometimes missed",
}

ICON_LABELS: dict[str, dict[str, str]] = {"variation": VARIATION_ICON_LABELS, "assurance": ASSURANCE_ICON_LABELS}

_ASSURANCE_ALIASES = {"consistent_pass": "pass", "consistent_fail": "fail"}

# Dots of a small run chart (x, y) in a 100 x 100 box: level for common cause; the last three points up or down.
_FLAT_RUN = ((24, 62), (36, 56), (48, 64), (60, 57), (72, 63))
_HIGH_RUN = ((22, 64), (33, 66), (44, 63), (55, 52), (66, 46), (77, 40))
_LOW_RUN = ((22, 44), (33, 42), (44, 45), (55, 55), (66, 61), (77, 67))


def _svg(title: str, body: str, size: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="{size}" height="{size}" '
        f'role="img" aria-label="{title}" focusable="false" class="mdc-icon">'
        f"<title>{title}</title>"
        f'<circle cx="50" cy="50" r="45" fill="#ffffff" stroke="{{ring}}" stroke-width="7"/>'
        f"{body}</svg>"
    )


def _run(points: tuple[tuple[int, int], ...], colour: str, special_from: int) -> str:
    path = " ".join(f"{x},{y}" for x, y in points)
    dots = "".join(
        f'<circle cx="{x}" cy="{y}" r="4.5" fill="{colour if i >= special_from else ICON_COLOURS["common_cause"]}"/>'
        for i, (x, y) in enumerate(points)
    )
    return f'<polyline points="{path}" fill="none" stroke="{ICON_COLOURS["common_cause"]}" stroke-width="2.5"/>{dots}'


def _letter(text: str, x: int = 50, y: int = 38, size: int = 30) -> str:
    return (
        f'<text x="{x}" y="{y}" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" '
        f'font-size="{size}" font-weight="bold" fill="{_INK}">{text}</text>'
    )


# Small glyphs at the bottom of the ring: what kind of special cause this is, without relying on colour.
_GLYPHS = {
    "improvement": '<polyline points="41,79 48,85 60,73" fill="none" stroke="{c}" stroke-width="5" '
    'stroke-linecap="round" stroke-linejoin="round"/>',
    "concern": '<line x1="50" y1="72" x2="50" y2="80" stroke="{c}" stroke-width="5" stroke-linecap="round"/>'
    '<circle cx="50" cy="87" r="2.8" fill="{c}"/>',
    "neutral": '<path d="M38 80 H62 M38 80 l5 -4 M38 80 l5 4 M62 80 l-5 -4 M62 80 l-5 4" fill="none" stroke="{c}" '
    'stroke-width="3.5" stroke-linecap="round"/>',
}


def variation_icon_svg(icon_code: str | None, *, size: int = 48) -> str:
    """The variation icon for an ``SPCResult.variation_icon`` code as an inline SVG string ("" for None)."""
    if icon_code is None:
        return ""
    code = str(icon_code)
    if code not in VARIATION_ICON_TITLES:
        raise ValueError(
            f"unknown variation icon code {icon_code!r}; expected one of {', '.join(VARIATION_ICON_TITLES)}"
        )
    title = VARIATION_ICON_TITLES[code]
    if code == "common_cause":
        grey = ICON_COLOURS["common_cause"]
        body = (
            f'<line x1="18" y1="44" x2="82" y2="44" stroke="{grey}" stroke-width="2" stroke-dasharray="4 3"/>'
            f'<line x1="18" y1="76" x2="82" y2="76" stroke="{grey}" stroke-width="2" stroke-dasharray="4 3"/>'
            f"{_run(_FLAT_RUN, grey, len(_FLAT_RUN))}"
        )
        return _svg(title, body, size).replace("{ring}", grey)
    kind, side = code.split("_")
    colour = ICON_COLOURS[kind]
    run = _HIGH_RUN if side == "high" else _LOW_RUN
    letter_x = 32 if side == "high" else 68
    body = (
        _run(run, colour, 3)
        + _letter("H" if side == "high" else "L", x=letter_x, y=38)
        + _GLYPHS[kind].replace("{c}", colour)
    )
    return _svg(title, body, size).replace("{ring}", colour)


def assurance_icon_svg(icon_code: str | None, *, size: int = 48) -> str:
    """The assurance icon for an ``SPCResult.assurance_icon`` code (or assurance type) as an inline SVG string
    ("" for None: no target, or a neutral direction)."""
    if icon_code is None:
        return ""
    code = _ASSURANCE_ALIASES.get(str(icon_code), str(icon_code))
    if code not in ASSURANCE_ICON_TITLES:
        raise ValueError(
            f"unknown assurance icon code {icon_code!r}; expected one of {', '.join(ASSURANCE_ICON_TITLES)}"
        )
    title = ASSURANCE_ICON_TITLES[code]
    if code == "inconsistent":
        grey = ICON_COLOURS["common_cause"]
        # A process band the dashed target line runs through, and a "?".
        body = (
            f'<rect x="20" y="58" width="60" height="18" fill="#e8edee" stroke="{grey}" stroke-width="2"/>'
            f'<line x1="16" y1="67" x2="84" y2="67" stroke="{_INK}" stroke-width="3" stroke-dasharray="6 4"/>'
            + _letter("?", y=48, size=34)
        )
        return _svg(title, body, size).replace("{ring}", grey)
    colour = ICON_COLOURS["improvement" if code == "pass" else "concern"]
    # The letter, underlined by a bar in the icon's colour (a pass and a fail differ by letter, not only colour).
    body = _letter("P" if code == "pass" else "F", y=64, size=46) + (
        f'<line x1="34" y1="76" x2="66" y2="76" stroke="{colour}" stroke-width="6" stroke-linecap="round"/>'
    )
    return _svg(title, body, size).replace("{ring}", colour)

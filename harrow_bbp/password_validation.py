"""A password validator for keyboard walks along a row (``qwertyuiop``, ``zxcvqwer``, ``asdf1234``).

Django's common-password list catches the famous ones; this catches the rest of the same habit cheaply: a password
is refused when at least half of its characters belong to runs of three or more neighbouring keys on one row of a
UK keyboard (either direction), or to runs of three or more consecutive digits or letters of the alphabet.
"""

from __future__ import annotations

from itertools import pairwise

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ROWS = ("`1234567890-=", "qwertyuiop[]", "asdfghjkl;'#", "zxcvbnm,./", "abcdefghijklmnopqrstuvwxyz")
MIN_RUN = 3


def _neighbours() -> set[tuple[str, str]]:
    pairs = set()
    for row in ROWS:
        for left, right in pairwise(row):
            pairs.add((left, right))
            pairs.add((right, left))
    return pairs


NEIGHBOURS = _neighbours()


def pattern_share(password: str) -> float:
    """The share of characters that sit in a run of at least MIN_RUN neighbouring keys."""
    text = password.lower()
    if not text:
        return 0.0
    covered = 0
    start = 0
    for index in range(1, len(text) + 1):
        if index < len(text) and (text[index - 1], text[index]) in NEIGHBOURS:
            continue
        # A run ends at index (or a direction change would be caught as a fresh run below).
        if index - start >= MIN_RUN:
            covered += index - start
        start = index
    return covered / len(text)


class KeyboardPatternValidator:
    """Refuses passwords that are mostly keyboard or alphabet runs."""

    def __init__(self, max_share: float = 0.5) -> None:
        self.max_share = max_share

    def validate(self, password: str, user=None) -> None:
        if pattern_share(password) >= self.max_share:
            raise ValidationError(
                _("This password is mostly a run of neighbouring keys (like qwerty or 12345), which is easy to guess."),
                code="password_keyboard_pattern",
            )

    def get_help_text(self) -> str:
        return _("Your password can't be mostly a run of neighbouring keys, like qwerty or 12345.")

"""The password rules: the two passwords found in the review are refused, the demo passwords are not."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from harrow_bbp.management.commands.create_demo_users import DEMO_USERS
from harrow_bbp.password_validation import KeyboardPatternValidator, pattern_share


def refusal_codes(password: str) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        validate_password(password)
    return {error.code for error in caught.value.error_list}


def test_the_two_passwords_from_the_review_are_refused():
    assert {"password_too_short", "password_keyboard_pattern"} <= refusal_codes("zxcvqwer")
    assert {"password_too_short", "password_entirely_numeric"} <= refusal_codes("83920174650")


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("839201746501234", "password_entirely_numeric"),  # long enough, still only digits
        ("qwertyuiop12", "password_keyboard_pattern"),
        ("asdfghjkl;12", "password_keyboard_pattern"),
        ("abcdefgh1234", "password_keyboard_pattern"),
        ("password1234", "password_too_common"),
        ("eleven-char", "password_too_short"),
    ],
)
def test_long_but_guessable_passwords_are_refused(password, code):
    assert code in refusal_codes(password)


@pytest.mark.parametrize("password", ["correct horse battery", "Harrow-outcomes-2026!", "Tr0ub4dor&3xyz"])
def test_reasonable_passwords_pass(password):
    validate_password(password)


def test_keyboard_share_counts_only_runs_of_three_or_more():
    assert pattern_share("zxcvqwer") == 1.0
    assert pattern_share("qw-po-zx") == 0.0  # pairs of neighbours are not a run
    assert pattern_share("ab-cde-fg") == pytest.approx(3 / 9)
    assert pattern_share("") == 0.0
    KeyboardPatternValidator().validate("ab-cde-fg-hij-k")  # 6 of 15 characters: allowed


@pytest.mark.parametrize(("username", "password"), [(row[0], row[2]) for row in DEMO_USERS])
def test_the_demo_passwords_meet_the_rules(username, password):
    class Demo:
        pass

    user = Demo()
    user.username = username
    validate_password(password, user)

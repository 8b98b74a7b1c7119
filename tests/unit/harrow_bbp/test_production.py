"""The production key rule is Django's own (security.W009), so ``check --deploy`` and start-up never disagree."""

from __future__ import annotations

import pytest
from django.core.checks.security import base as django_security
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from harrow_bbp.production import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
    refuse_unsafe_production,
    weak_secret_key_reason,
)


def test_the_rule_is_djangos():
    assert SECRET_KEY_MIN_LENGTH == django_security.SECRET_KEY_MIN_LENGTH
    assert SECRET_KEY_MIN_UNIQUE_CHARACTERS == django_security.SECRET_KEY_MIN_UNIQUE_CHARACTERS
    assert SECRET_KEY_INSECURE_PREFIX == django_security.SECRET_KEY_INSECURE_PREFIX


def test_a_generated_key_passes_and_each_weakness_is_named():
    key = get_random_secret_key()
    assert weak_secret_key_reason(key) is None
    assert django_security._check_secret_key(key)
    assert "not set" in weak_secret_key_reason("")
    assert "49 characters" in weak_secret_key_reason(key[:49])
    assert "2 different characters" in weak_secret_key_reason("ab" * 30)
    assert "django-insecure-" in weak_secret_key_reason("django-insecure-" + key)


def test_every_problem_is_named_in_one_error():
    with pytest.raises(ImproperlyConfigured) as error:
        refuse_unsafe_production(debug=True, secret_key="short", environ={"DEBUG": "1"})
    message = str(error.value)
    assert "DJANGO_DEBUG is on" in message and "DEBUG is set" in message and "5 characters" in message
    refuse_unsafe_production(debug=False, secret_key=get_random_secret_key(), environ={"DEBUG": "0"})

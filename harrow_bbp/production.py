"""Refuse an unsafe production configuration at start-up, before the first request.

``check --deploy`` only warns, and only when someone runs it; a web process started with DEBUG on (tracebacks
and settings shown to anyone) or a guessable SECRET_KEY (forgeable sessions and password-reset links) must not
start at all. Imported by the settings module, so it imports nothing from Django that needs settings.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

# Django's own rule for a strong key (security.W009, django/core/checks/security/base.py).
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
SECRET_KEY_INSECURE_PREFIX = "django-insecure-"
TRUTHY = {"1", "true", "yes", "on"}


def weak_secret_key_reason(secret_key: str) -> str | None:
    """Why ``secret_key`` is too weak for production, or None when it passes Django's W009 rule."""
    if not secret_key:
        return "SECRET_KEY is not set"
    if secret_key.startswith(SECRET_KEY_INSECURE_PREFIX):
        return f"SECRET_KEY starts with {SECRET_KEY_INSECURE_PREFIX!r} (a key generated for development)"
    if len(secret_key) < SECRET_KEY_MIN_LENGTH:
        return f"SECRET_KEY has {len(secret_key)} characters; at least {SECRET_KEY_MIN_LENGTH} are needed"
    if len(set(secret_key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return (
            f"SECRET_KEY has {len(set(secret_key))} different characters; "
            f"at least {SECRET_KEY_MIN_UNIQUE_CHARACTERS} are needed"
        )
    return None


def refuse_unsafe_production(*, debug: bool, secret_key: str, environ: dict[str, str]) -> None:
    """Raise ImproperlyConfigured, naming every problem, when DEBUG is on or SECRET_KEY is weak."""
    problems = []
    if debug:
        problems.append("DJANGO_DEBUG is on")
    if environ.get("DEBUG", "").strip().lower() in TRUTHY:
        problems.append("DEBUG is set (this project reads DJANGO_DEBUG; unset DEBUG)")
    reason = weak_secret_key_reason(secret_key)
    if reason:
        problems.append(
            f"{reason} (generate one with: python -c "
            "'from django.core.management.utils import get_random_secret_key as k; print(k())')"
        )
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start with DJANGO_ENV=production: "
            + "; ".join(problems)
            + ". See the README, Running in production."
        )

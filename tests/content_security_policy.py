"""Reading a Content-Security-Policy header as directives, so tests do not depend on the order django-csp writes."""

from __future__ import annotations


def directives(header: str) -> dict[str, str]:
    """Each directive's sources as written, keyed by the directive's name (``{"script-src": "'self'"}``)."""
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: (rest[0] if rest else "") for name, *rest in parts}

"""How a login is named on a page or in a file: the linked person record's name, else the user's full name.

Usernames are sign-in handles, not names; the board reads "Reported by Priya Shah", never "sro". One helper so
every page, pack and download says the same thing. The person record is reached through the reverse relation
(``user.person``), so this module does not import governance.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist


def display_name(user: Any, default: str = "") -> str:
    """The name to show for ``user``: Person.name, then first + last name, then the username; ``default`` if none."""
    if user is None or not getattr(user, "pk", None):
        return default
    try:
        person = user.person
    except (ObjectDoesNotExist, AttributeError):
        person = None
    if person is not None and person.name:
        return person.name
    full = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return full or user.get_username() or default

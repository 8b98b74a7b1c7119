"""One demo user per role, for `make demo`. Refuses to run in production."""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.history import change_source
from outcomes.models import Area

from ...access import ADMIN, ANALYST, BOARD, PCN_LEAD
from ...models import Profile
from ...roles import ensure_role_groups

DEMO_USERS = [
    # username, role, password, PCN code for a PCN lead, (first name, last name) shown on pages instead of the login
    ("board", BOARD, "demo-board-2026", None, ("Brenda", "Board (demo)")),
    ("analyst", ANALYST, "demo-analyst-2026", None, ("Alex", "Analyst (demo)")),
    ("pcnlead", PCN_LEAD, "demo-pcnlead-2026", "U84846", ("Pat", "Lead (demo)")),
    ("admin", ADMIN, "demo-admin-2026", None, ("Ada", "Admin (demo)")),
    # A board member who is also an SRO: load_demo_governance links them to their person record (Priya Shah).
    ("sro", BOARD, "demo-sro-2026", None, ("Priya", "Shah (demo)")),
]


class Command(BaseCommand):
    help = "Create (or reset) one demo login per role and print them."

    @transaction.atomic
    @change_source("command: create_demo_users")
    def handle(self, *args, **options) -> None:
        if os.environ.get("DJANGO_ENV") == "production":
            raise CommandError("Demo users are never created in production.")
        ensure_role_groups()
        User = get_user_model()
        self.stdout.write("Demo logins (local demo only; username and password):")
        for username, role, password, pcn_code, (first, last) in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            # The demo passwords meet the same rules as everyone's (AUTH_PASSWORD_VALIDATORS), judged against the
            # login alone: the display names set below are "Analyst (demo)" and the like, which a second run would
            # otherwise find too similar to "demo-analyst-2026" and refuse (the first run had no names yet).
            try:
                validate_password(password, User(username=username))
            except ValidationError as exc:
                raise CommandError(f"Demo password for {username} is refused: {' '.join(exc.messages)}") from exc
            user.set_password(password)
            user.is_staff = user.is_superuser = role == ADMIN
            user.first_name, user.last_name = first, last
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            pcn = Area.objects.filter(code=pcn_code).first() if pcn_code else None
            Profile.objects.update_or_create(user=user, defaults={"pcn": pcn})
            scope = f" ({pcn.display_name})" if pcn else ""
            self.stdout.write(f"  {role:<9} {username:<9} {password}{scope}")

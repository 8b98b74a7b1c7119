"""Create or update one login with one role: how real users are added in production (demo users never are).

The password comes from the environment variable named by ``--password-env`` (default ``HARROW_USER_PASSWORD``)
so that it appears in no command line or shell history, and must pass the project's password validators.
"""

from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from outcomes.models import Area
from outcomes.selectors import current_codes

from ...access import ADMIN, PCN_LEAD, ROLES
from ...models import Profile
from ...roles import ensure_role_groups


class Command(BaseCommand):
    help = "Create or update a login with one role; the password is read from an environment variable."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--pcn", help="a PCN lead's PCN code (required for --role pcn_lead)")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-env", default="HARROW_USER_PASSWORD", help="variable holding the password")

    @transaction.atomic
    def handle(self, *args, username: str, role: str, pcn: str | None, email: str, password_env: str, **options):
        password = os.environ.get(password_env, "")
        if not password:
            raise CommandError(f"Set the password in the environment variable {password_env}.")
        if (role == PCN_LEAD) != bool(pcn):
            raise CommandError("--pcn is required for a PCN lead and only for a PCN lead.")
        area = None
        if pcn:
            area = Area.objects.filter(code=pcn, level="pcn").first()
            if area is None:
                now = current_codes([pcn]).get(pcn)  # a former code (HRW-PCN-HS): say which code to use
                hint = f" It is a former code: use {now}." if now else ""
                raise CommandError(f"No PCN with code {pcn!r}.{hint}")
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from exc
        ensure_role_groups()
        user.set_password(password)
        user.email = email or user.email
        user.is_staff = user.is_superuser = role == ADMIN
        user.is_active = True
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        Profile.objects.update_or_create(user=user, defaults={"pcn": area})
        self.stdout.write(f"{'Created' if created else 'Updated'} {username} ({role}).")

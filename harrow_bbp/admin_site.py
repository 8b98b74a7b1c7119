"""The admin site, open to administrators (staff) and to analysts, who edit reference data there.

What each may do inside is decided by model permissions (``harrow_bbp.roles``): analysts get the reference-data
models only, never users, groups or profiles. Installed in place of ``django.contrib.admin`` by
``harrow_bbp.admin_apps.HarrowAdminConfig`` so every ``@admin.register`` lands on this site.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .access import can_use_admin


class RoleAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin sign-in, refusing (as Django's does for non-staff) anyone ``can_use_admin`` refuses."""

    def confirm_login_allowed(self, user) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)
        if not can_use_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class HarrowAdminSite(admin.AdminSite):
    login_form = RoleAdminAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        return can_use_admin(request.user)

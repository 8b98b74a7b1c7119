from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from audit.history_admin import HistoryAdmin

from .models import Profile
from .users import deactivate_users

User = get_user_model()


@admin.register(Profile)
class ProfileAdmin(HistoryAdmin):
    list_display = ("user", "pcn")
    list_select_related = ("user", "pcn")


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(HistoryAdmin, GroupAdmin):
    """The role groups: changes to what a role may do are kept in the group's history."""


@admin.register(User)
class AuditedUserAdmin(HistoryAdmin, UserAdmin):
    """Users (and their roles, the groups) keep a history; they are deactivated, never deleted (ADR 0012)."""

    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Deactivate the selected users (names stay on what they wrote)", permissions=["change"])
    def deactivate(self, request, queryset) -> None:
        try:
            count = deactivate_users(users=queryset, by=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        self.message_user(request, f"{count} user(s) deactivated.", messages.SUCCESS)

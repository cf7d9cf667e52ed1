from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import account_erase


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """``is_superuser`` makes a system administrator (the only people who use this admin);
    ``is_staff`` grants nothing in a city, so the lists do not feature it. What someone may do
    in a city is their city role, granted on the city's roles page."""

    ordering = ["email"]
    list_display = ["email", "display_name", "innovator_type", "is_superuser", "date_joined"]
    list_filter = ["is_superuser", "is_active", "innovator_type"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "innovator_type")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")},
        ),
    )

    # Deleting an account is the GDPR erasure: every app's eraser runs first (support counters
    # follow, opinion maps are recomputed without the person's votes, roles leave the audit log).
    def delete_model(self, request, obj) -> None:
        account_erase(user=obj)

    def delete_queryset(self, request, queryset) -> None:
        for user in queryset:
            account_erase(user=user)

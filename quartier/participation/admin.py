"""Processes, city roles and the audit log are shown in the admin, never written there.

Processes and their phases are set up through the services and the city's pages; roles are
granted and revoked on the city's roles page, which writes the audit log; the audit log itself
is append-only (the model, its queryset and database triggers refuse changes)."""

from django.contrib import admin

from quartier.core.admin_guards import ViewOnlyInAdmin

from .models import AuditEntry, CityRole, Phase, Process


class ReadOnlyAdmin(ViewOnlyInAdmin, admin.ModelAdmin):
    pass


PHASE_FIELDS = ("position", "name", "starts_at", "ends_at", "allows")


class PhaseInline(ViewOnlyInAdmin, admin.TabularInline):
    model = Phase
    fields = readonly_fields = PHASE_FIELDS
    extra = 0


@admin.register(Process)
class ProcessAdmin(ReadOnlyAdmin):
    list_display = ["title", "city", "kind", "settings_locked_at", "created_at"]
    list_filter = ["city", "kind"]
    search_fields = ["title"]
    inlines = [PhaseInline]


@admin.register(CityRole)
class CityRoleAdmin(ReadOnlyAdmin):
    list_display = ["user", "city", "role", "granted_by", "granted_at"]
    list_filter = ["city", "role"]
    search_fields = ["user__email", "user__display_name"]
    list_select_related = ["user", "city", "granted_by"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "city", "action", "actor_id", "target_type", "target_id", "subject_id"]
    list_filter = ["city", "action"]
    search_fields = ["reason"]
    date_hierarchy = "at"
    list_select_related = ["city"]

from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports are read here; they are resolved in the city's moderation queue, which writes the
    audit log. Nothing here changes or deletes one."""

    list_display = ["__str__", "city", "content_type", "object_id", "reason", "resolved_at"]
    list_filter = ["city", "reason", "resolved_at", "content_type"]
    search_fields = ["details", "resolution"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

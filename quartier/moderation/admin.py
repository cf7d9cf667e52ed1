from django.contrib import admin

from quartier.core.admin_guards import ViewOnlyInAdmin

from .models import Report


@admin.register(Report)
class ReportAdmin(ViewOnlyInAdmin, admin.ModelAdmin):
    """Reports are read here; they are resolved in the city's moderation queue, which writes the
    audit log. Nothing here changes or deletes one."""

    list_display = ["__str__", "city", "content_type", "object_id", "reason", "resolved_at"]
    list_filter = ["city", "reason", "resolved_at", "content_type"]
    search_fields = ["details", "resolution"]

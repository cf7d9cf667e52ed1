from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from quartier.moderation.services import content_unhide

from .models import Comment, Idea, IdeaImage


class IdeaImageInline(admin.TabularInline):
    model = IdeaImage
    fields = ["thumbnail", "alt_text", "width", "height", "position"]
    readonly_fields = ["thumbnail", "width", "height"]
    extra = 0


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = [
        "title", "city", "district", "kind", "stage", "source", "is_example",
        "support_count", "comment_count", "hidden_at", "created_at",
    ]  # fmt: skip
    list_filter = ["city", "kind", "stage", "source", "is_example", "district"]
    search_fields = ["title", "summary", "description"]
    readonly_fields = ["district", "support_count", "comment_count", "created_at", "updated_at"]
    raw_id_fields = ["author", "hidden_by"]
    date_hierarchy = "created_at"
    inlines = [IdeaImageInline]
    actions = ["unhide"]

    @admin.action(description=_("Show the selected hidden ideas again"))
    def unhide(self, request, queryset):
        for idea in queryset.filter(hidden_at__isnull=False):
            content_unhide(target=idea, moderator=request.user)
        messages.success(request, _("Done."))


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "idea", "author", "created_at", "hidden_at"]
    list_filter = ["idea__city"]
    search_fields = ["body"]
    raw_id_fields = ["idea", "author", "parent", "hidden_by"]

from django.contrib import admin

from .models import Conversation, Statement


class StatementInline(admin.TabularInline):
    model = Statement
    fields = ["text", "status", "is_seed", "is_meta"]
    extra = 0


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["question", "city", "created_at", "computed_at"]
    list_filter = ["city"]
    search_fields = ["question"]
    readonly_fields = ["computed_at", "computed_votes", "compute_error"]
    inlines = [StatementInline]

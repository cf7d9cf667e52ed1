"""Opinion maps in the admin: read, and a few texts and switches corrected.

Statements are moderated on the conversation's moderation page (``statement_moderate``), which
writes the audit log and recomputes the map; results are the engine's. Neither is edited here."""

from django.contrib import admin

from quartier.core.admin_guards import NoAddInAdmin, NoDeleteInAdmin, ViewOnlyInAdmin

from .models import Conversation, Statement
from .services import conversation_update

STATEMENT_FIELDS = ("text", "status", "is_seed", "is_meta", "created_at")


class StatementInline(ViewOnlyInAdmin, admin.TabularInline):
    """Read-only: a status or meta flag set here would bypass the recompute and the audit log,
    and a changed text would change what people already voted on."""

    model = Statement
    fields = readonly_fields = STATEMENT_FIELDS
    extra = 0


@admin.register(Conversation)
class ConversationAdmin(NoAddInAdmin, NoDeleteInAdmin, admin.ModelAdmin):
    """Opened with ``conversation_open`` (which creates its process); never deleted here, since
    its votes, statements and the process would go or be orphaned. The question is the one
    people answered and the process's title, so it is shown, not edited."""

    list_display = ["question", "city", "created_at", "computed_at"]
    list_filter = ["city"]
    search_fields = ["question"]
    fields = [
        "city", "process", "idea", "question", "description", "created_by",
        "allow_statements", "statement_moderation", "allow_anonymous", "created_at",
        "computed_at", "computed_votes", "compute_error", "recompute_pending", "computing_since",
    ]  # fmt: skip
    readonly_fields = [
        "city", "process", "idea", "question", "created_by", "created_at",
        "computed_at", "computed_votes", "compute_error", "recompute_pending", "computing_since",
    ]  # fmt: skip
    inlines = [StatementInline]

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        conversation_update(
            conversation=obj,
            description=data["description"],
            allow_statements=data["allow_statements"],
            statement_moderation=data["statement_moderation"],
            allow_anonymous=data["allow_anonymous"],
        )

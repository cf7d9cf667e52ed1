"""Ideas and comments in the admin, for system administrators.

Ideas are submitted on the site (with the image checks of ``images.py``) and hidden, never
deleted, on the city's moderation page (which writes the audit log and needs a reason). Here an
idea's texts, kind and place are corrected through ``services.idea_update``; everything derived
or decided by moderation is shown, not edited."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from quartier.cities.errors import PointOutsideCity
from quartier.cities.services import district_for_idea_location
from quartier.core.admin_guards import NoAddInAdmin, NoDeleteInAdmin, ViewOnlyInAdmin
from quartier.moderation.services import content_approve, content_unhide

from .models import Comment, Idea, IdeaImage
from .services import idea_update

MODERATION_FIELDS = ["hidden_at", "hidden_reason", "hidden_by", "awaiting_review"]


class IdeaImageInline(NoAddInAdmin, NoDeleteInAdmin, admin.TabularInline):
    """Only the description of an image changes here. No uploads: they go through the checks
    of ``images.py`` (type, size, EXIF stripped) on the site. No deletion either: Django would
    drop the row but keep serving the file at its public URL, so a picture that must go (a
    face, an address) is a moderation decision on the idea, which is hidden with a reason."""

    model = IdeaImage
    fields = ["thumbnail", "alt_text", "width", "height", "position"]
    readonly_fields = ["thumbnail", "width", "height", "position"]
    extra = 0


class IdeaAdminForm(forms.ModelForm):
    class Meta:
        model = Idea
        fields = ["title", "summary", "description", "kind", "lat", "lon"]

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("lat"), cleaned.get("lon")
        if lat is not None and lon is not None:
            # The same check as the service's, before anything is written: a form error.
            try:
                district_for_idea_location(city=self.instance.city, lat=lat, lon=lon)
            except PointOutsideCity as error:
                raise ValidationError(error.message) from error
        return cleaned


@admin.register(Idea)
class IdeaAdmin(NoAddInAdmin, NoDeleteInAdmin, admin.ModelAdmin):
    form = IdeaAdminForm
    list_display = [
        "title", "city", "district", "kind", "stage", "source", "is_example",
        "support_count", "comment_count", "hidden_at", "created_at",
    ]  # fmt: skip
    list_filter = ["city", "kind", "stage", "source", "is_example", "district"]
    search_fields = ["title", "summary", "description"]
    fields = [
        "city", "district", "author", "innovator_type", "source", "analog_origin", "is_example",
        "title", "summary", "description", "description_html", "kind", "lat", "lon",
        "stage", "support_count", "comment_count", *MODERATION_FIELDS,
        "created_at", "updated_at",
    ]  # fmt: skip
    # The district follows from lat/lon, the HTML from the description, the counters from
    # supports and comments; the stage changes only through lifecycle.idea_advance.
    readonly_fields = [
        "city", "district", "author", "innovator_type", "source", "analog_origin", "is_example",
        "description_html", "stage", "support_count", "comment_count", *MODERATION_FIELDS,
        "created_at", "updated_at",
    ]  # fmt: skip
    date_hierarchy = "created_at"
    inlines = [IdeaImageInline]
    actions = ["unhide"]

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        idea_update(
            idea=obj,
            title=data["title"],
            summary=data["summary"],
            description=data["description"],
            kind=data["kind"],
            lat=data["lat"],
            lon=data["lon"],
        )

    # Hiding needs a public reason, which an admin action cannot ask for: that is done on the
    # city's moderation page. Showing again is safe to do in bulk.
    @admin.action(description=_("Show the selected hidden ideas again"))
    def unhide(self, request, queryset):
        shown = 0
        for idea in queryset.filter(hidden_at__isnull=False).select_related("city"):
            if idea.awaiting_review:
                content_approve(target=idea, moderator=request.user)
            else:
                content_unhide(target=idea, moderator=request.user)
            shown += 1
        messages.success(
            request,
            ngettext(
                "%(count)d idea is visible again.", "%(count)d ideas are visible again.", shown
            )
            % {"count": shown},
        )


COMMENT_FIELDS = ("idea", "parent", "author", "body", "created_at", *MODERATION_FIELDS)


@admin.register(Comment)
class CommentAdmin(ViewOnlyInAdmin, admin.ModelAdmin):
    """Comments are read here, not written. No adding (comments are written on the idea's page,
    where ``comment_count`` follows), no deleting (nothing is deleted; hide instead), and the
    body is read-only too: it is a person's words in a public discussion, and an edit here would
    change them without a trace. A comment that must not be read is hidden, with a reason, on
    the city's moderation page, which writes the audit log."""

    list_display = ["__str__", "idea", "author", "created_at", "hidden_at"]
    list_filter = ["idea__city"]
    search_fields = ["body"]
    fields = readonly_fields = COMMENT_FIELDS

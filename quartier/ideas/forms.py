from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from quartier.accounts.models import InnovatorType
from quartier.cities.models import City
from quartier.core.form_fields import COORDINATE, CoordinateField  # noqa: F401 - shared field

from .models import CommentKind, InnovationKind, Stage
from .selectors import SORT_ORDERS, IdeaFilters


class IdeaFilterForm(forms.Form):
    """Validates the list's query string; unknown values get a message instead of a 500."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    district = forms.ChoiceField(label=_("District"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *InnovationKind.choices]
    )
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All stages")), *Stage.choices]
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("newest", _("Newest")),
            ("supported", _("Most supported")),
            ("discussed", _("Most discussed")),
        ],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Active ideas")), ("withdrawn", _("Withdrawn ideas"))],
    )
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=1_000_000)

    def __init__(self, *args, city: City, **kwargs):
        super().__init__(*args, **kwargs)
        self.districts = {district.slug: district for district in city.districts.order_by("name")}
        self.fields["district"].choices = [  # type: ignore[attr-defined]
            ("", _("All districts")),
            *((slug, district.name) for slug, district in self.districts.items()),
        ]

    def active_filters(self) -> list[tuple[str, str, str]]:
        """For an empty result: each filter in use as (label, shown value, query string without
        it), so that the page can offer to remove one filter at a time."""
        if not self.is_bound or not self.is_valid():
            return []
        data = self.cleaned_data
        used = {
            name: str(data[name])
            for name in ("q", "district", "kind", "stage", "status")
            if data.get(name)
        }
        if data.get("sort") and data["sort"] != "newest":
            used["sort"] = data["sort"]
        active = []
        for name in ("q", "district", "kind", "stage", "status"):
            if name not in used:
                continue
            field = self.fields[name]
            shown = used[name]
            if isinstance(field, forms.ChoiceField):
                shown = str(dict(field.choices).get(shown, shown))  # type: ignore[arg-type]
            rest = {key: value for key, value in used.items() if key != name}
            active.append((str(field.label), shown, urlencode(rest)))
        return active

    def to_filters(self) -> IdeaFilters:
        data = self.cleaned_data
        sort = data.get("sort") or "newest"
        return IdeaFilters(
            district=self.districts.get(data.get("district") or ""),
            kind=data.get("kind") or None,
            stage=data.get("stage") or None,
            query=(data.get("q") or "").strip() or None,
            sort=sort if sort in SORT_ORDERS else "newest",
            withdrawn=data.get("status") == "withdrawn",
        )


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleImageInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleImageField, self).clean(item, initial) for item in files]


class IdeaForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("A few words that say what your idea is."),
    )
    summary = forms.CharField(
        label=_("Short summary"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences. At most 300 characters."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What should change, for whom, and how could it work? "
            "You can use Markdown: **bold**, *italic*, lists with -."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind of innovation"), choices=InnovationKind.choices, widget=forms.RadioSelect
    )
    innovator_type = forms.ChoiceField(label=_("I submit this as"), choices=InnovatorType.choices)
    lat = CoordinateField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = CoordinateField(label=_("Longitude"), min_value=-180, max_value=180)
    images = MultipleImageField(
        label=_("Images (optional)"),
        required=False,
        widget=MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Up to 5 JPEG, PNG or WebP images, at most 5 MB each."),
    )
    image_alt_text = forms.CharField(
        label=_("What do the images show? (for people who cannot see them)"),
        required=False,
        max_length=200,
    )

    def clean_images(self):
        images = self.cleaned_data.get("images") or []
        if len(images) > settings.IDEA_IMAGE_MAX_COUNT:
            raise forms.ValidationError(
                _("At most %(count)d images per idea."),
                params={"count": settings.IDEA_IMAGE_MAX_COUNT},
            )
        limit = settings.IDEA_IMAGE_MAX_BYTES
        for image in images:
            if image.size is None or image.size > limit:
                raise forms.ValidationError(
                    _("%(name)s is too large (%(size).1f MB); the limit is %(limit).0f MB."),
                    params={
                        "name": image.name,
                        "size": (image.size or 0) / 1_048_576,
                        "limit": limit / 1_048_576,
                    },
                )
        return images


class AnalogIdeaForm(IdeaForm):
    """Staff type in an idea from a paper card collected at a neighbourhood event."""

    analog_origin = forms.CharField(
        label=_("Where was the card collected?"),
        max_length=200,
        help_text=_("For example: Helpathon Nordstadt, 12 May"),
    )
    analog_author_name = forms.CharField(
        label=_("Name on the card (optional)"),
        max_length=100,
        required=False,
        help_text=_(
            "The idea is credited to this name, not to you. Leave it empty if the card is "
            "anonymous."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Staff type in someone else's idea: the labels speak of the card, not of "your idea".
        self.fields["title"].help_text = _("A few words that say what the idea on the card is.")
        self.fields["innovator_type"].label = _("The card's author submits this as")


class IdeaEditForm(forms.Form):
    """The submission's texts, kind and place (images and the innovator type stay as they are),
    a note on what changed, and the revision the form was based on (concurrent edits)."""

    title = IdeaForm.base_fields["title"]
    summary = IdeaForm.base_fields["summary"]
    description = IdeaForm.base_fields["description"]
    kind = IdeaForm.base_fields["kind"]
    lat = IdeaForm.base_fields["lat"]
    lon = IdeaForm.base_fields["lon"]
    note = forms.CharField(
        label=_("What did you change? (optional, shown in the list of versions)"),
        max_length=300,
        required=False,
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=1_000_000)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the idea? (shown publicly)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=2_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Absent (a reply, an old form): a plain comment.
    kind = forms.ChoiceField(label=_("This is a"), choices=CommentKind.choices, required=False)

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or CommentKind.COMMENT


class MergeForm(forms.Form):
    into = forms.IntegerField(label=_("Merge into the idea with the number"), min_value=1)
    reason = forms.CharField(label=_("Reason (shown publicly)"), max_length=300)


class ResolveForm(forms.Form):
    """The revision of the idea that answers (optional) or, with ``reopen``, open it again."""

    revision = forms.IntegerField(label=_("Answered by version"), required=False, min_value=1)
    reopen = forms.BooleanField(required=False)


# --- Teams --------------------------------------------------------------------------------------


class OpenRoleForm(forms.Form):
    title = forms.CharField(label=_("Role"), max_length=80)
    skills = forms.CharField(
        label=_("Skills wanted"),
        max_length=200,
        required=False,
        help_text=_("For example: graphic design, legal advice, 3D printing."),
    )
    description = forms.CharField(
        label=_("What the role does"), max_length=1_000, required=False, widget=forms.Textarea
    )


class JoinAskForm(forms.Form):
    """``role``: the number of one of the team's open roles, or empty for the team in general."""

    role = forms.IntegerField(required=False, min_value=1)
    message = forms.CharField(
        label=_("Message to the team (optional)"),
        max_length=1_000,
        required=False,
        widget=forms.Textarea,
    )


class JoinDecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class MemberActionForm(forms.Form):
    """What a lead does with a member (``describe`` also by the member themselves)."""

    action = forms.ChoiceField(
        choices=[("make_lead", "make_lead"), ("remove", "remove"), ("describe", "describe")]
    )
    contribution = forms.CharField(max_length=80, required=False)


class TeamSelfForm(forms.Form):
    """What a member does about themselves: leave, or step down as lead."""

    action = forms.ChoiceField(choices=[("leave", "leave"), ("step_down", "step_down")])


# --- The lifecycle ------------------------------------------------------------------------------


class AdvanceForm(forms.Form):
    to = forms.ChoiceField(choices=Stage.choices)
    reason = forms.CharField(max_length=2_000, required=False)


class RulesForm(forms.Form):
    discussion_team_size = forms.IntegerField(
        label=_("Team members an idea needs for the discussion"), min_value=1, max_value=50
    )
    discussion_supports = forms.IntegerField(
        label=_("Supports an idea needs for the discussion"),
        min_value=0,
        max_value=100_000,
        help_text=_("0: no supports are needed."),
    )

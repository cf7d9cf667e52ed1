from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from quartier.accounts.models import InnovatorType
from quartier.cities.models import City

from .models import InnovationKind, Stage
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
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=1_000_000)

    def __init__(self, *args, city: City, **kwargs):
        super().__init__(*args, **kwargs)
        self.districts = {district.slug: district for district in city.districts.order_by("name")}
        self.fields["district"].choices = [  # type: ignore[attr-defined]
            ("", _("All districts")),
            *((slug, district.name) for slug, district in self.districts.items()),
        ]

    def to_filters(self) -> IdeaFilters:
        data = self.cleaned_data
        sort = data.get("sort") or "newest"
        return IdeaFilters(
            district=self.districts.get(data.get("district") or ""),
            kind=data.get("kind") or None,
            stage=data.get("stage") or None,
            query=(data.get("q") or "").strip() or None,
            sort=sort if sort in SORT_ORDERS else "newest",
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
    lat = forms.FloatField(
        label=_("Latitude"), min_value=-90, max_value=90, widget=forms.NumberInput({"step": "any"})
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput({"step": "any"}),
    )
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


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=2_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

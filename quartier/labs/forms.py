from django import forms
from django.utils.translation import gettext_lazy as _

from quartier.core.form_fields import CoordinateField

from .services import QUESTIONS_MAX, TESTERS_MAX


class DateInput(forms.DateInput):
    input_type = "date"


class PlanForm(forms.Form):
    hypothesis = forms.CharField(
        label=_("Hypothesis"),
        max_length=1_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What do you expect? For example: “A shaded bench makes older people stay longer "
            "on the square.”"
        ),
    )
    measures = forms.CharField(
        label=_("What is measured"),
        max_length=1_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: how long people stay, counted twice a day; the testers' ratings."
        ),
    )
    place_name = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("A street, a square; or choose one of the city's innovation hotspots below."),
    )
    lat = CoordinateField(label=_("Latitude (optional)"), required=False)
    lon = CoordinateField(label=_("Longitude (optional)"), required=False)
    starts_on = forms.DateField(label=_("First day"), widget=DateInput)
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput)
    testers_wanted = forms.IntegerField(
        label=_("Testers wanted"), min_value=1, max_value=TESTERS_MAX
    )
    questions = forms.CharField(
        label=_("Questions for the testers, one per line"),
        max_length=QUESTIONS_MAX * 201,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Each is answered from 1 (not at all) to 5 (fully); at most 10."),
    )

    def __init__(self, *args, hotspots=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hotspots = {spot.pk: spot for spot in hotspots}
        self.fields["hotspot"] = forms.TypedChoiceField(
            label=_("Innovation hotspot (optional)"),
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", _("None")), *((pk, spot.name) for pk, spot in self.hotspots.items())],
        )
        # Right after the place's name, before its coordinates.
        order = list(self.fields)
        order.remove("hotspot")
        order.insert(order.index("place_name") + 1, "hotspot")
        self.order_fields(order)

    def place(self) -> tuple[str, float | None, float | None]:
        """The place's name and coordinates: as typed, completed from a chosen hotspot."""
        data = self.cleaned_data
        spot = self.hotspots.get(data.get("hotspot"))
        name, lat, lon = data["place_name"], data["lat"], data["lon"]
        if spot is not None:
            name = name or spot.name
            if lat is None and lon is None:
                lat, lon = spot.lat, spot.lon
        return name, lat, lon

    def question_lines(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["questions"].splitlines() if line.strip()
        ]


SCALE = [(str(value), str(value)) for value in range(1, 6)]


class FeedbackForm(forms.Form):
    """One radio group per question of the test (1 to 5), and the tester's own words."""

    comment = forms.CharField(
        label=_("In your own words (optional)"),
        max_length=2_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, questions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = forms.ChoiceField(
                label=question.text, choices=SCALE, widget=forms.RadioSelect
            )
        self.order_fields([*(f"q{q.pk}" for q in self.questions), "comment"])

    def ratings(self) -> dict[int, int]:
        return {q.pk: int(self.cleaned_data[f"q{q.pk}"]) for q in self.questions}


class ResultsForm(forms.Form):
    results = forms.CharField(
        label=_("Results and what the team learned"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

"""Forms of the set-up pages: the vote's settings, pots, the population calculator, codes."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from quartier.participation.services import PhaseSpec

from .vocabulary import BallotKind, Rule

# Small enough for one request; larger batches go through ``manage.py voting_codes_issue``.
WEB_MAX_CODES = 20_000
WEB_MAX_LETTERS = 500

COMPLETION_CHOICES = [
    ("add1u", _("Add1, then greedy with the money left (the compute tool's default)")),
    ("add1", _("Add1 without completion")),
    ("utilitarian", _("Equal shares, then greedy with the money left")),
    ("none", _("Equal shares only")),
    ("add1-no-greedy", _("Add1 as pabutools runs it")),
]
COMPARISON_CHOICES = [
    ("satisfaction", _("Keep equal shares unless more voters prefer the greedy outcome")),
    ("exclusion-ratio", _("Keep equal shares unless greedy leaves fewer voters with nothing")),
    ("none", _("No comparison with greedy")),
]
RESIDENCE_CHOICES = [
    ("city", _("In the city")),
    ("district", _("In the district of the pot")),
]
PROOF_CHOICES = [
    ("code", _("A voting code from a letter")),
    ("account", _("A verified account and a declaration of residence")),
]
FORMAT_CHOICES = [
    ("zip", _("CSV and PDF letters (ZIP)")),
    ("csv", _("CSV only")),
    ("pdf", _("PDF letters only")),
]

_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _number(label, *, required: bool = False, minimum: int = 0, maximum: int | None = None, **kw):
    return forms.IntegerField(
        label=label, required=required, min_value=minimum, max_value=maximum, **kw
    )


class VoteForm(forms.Form):
    """A new vote, or the settings of one: title, phases with dates, ballot, rule, eligibility."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=5_000, required=False, widget=forms.Textarea
    )
    ballot_kind = forms.ChoiceField(
        label=_("Kind of ballot"), choices=BallotKind.choices, widget=forms.RadioSelect
    )
    min_projects = _number(_("Minimum number of projects"), initial=0)
    max_projects = _number(
        _("Maximum number of projects"),
        minimum=1,
        help_text=_("Empty: no maximum (knapsack ballots stop at the pot's amount)."),
    )
    max_points = _number(_("Points per voter (points ballot)"), minimum=1)
    max_points_per_project = _number(_("Maximum points per project (points ballot)"), minimum=1)
    rule = forms.ChoiceField(label=_("Rule"), choices=Rule.choices, widget=forms.RadioSelect)
    completion = forms.ChoiceField(
        label=_("Completion of equal shares"), choices=COMPLETION_CHOICES
    )
    add1_exhaustive = forms.BooleanField(
        label=_("Add1 stops as soon as no further project fits into the money left"),
        required=False,
    )
    add1_integral = forms.BooleanField(
        label=_("Add1 starts from a whole amount per voter"), required=False
    )
    comparison = forms.ChoiceField(label=_("Comparison step"), choices=COMPARISON_CHOICES)
    lot_seed = _number(
        _("Lot for ties (a number drawn before counting)"),
        help_text=_(
            "Ties go to the lower cost, then to more votes, then to this lot. Empty: the order "
            "of the proposals' numbers."
        ),
    )
    min_age = _number(_("Minimum age"), required=True, maximum=120, initial=14)
    residence = forms.ChoiceField(
        label=_("Residence"), choices=RESIDENCE_CHOICES, widget=forms.RadioSelect
    )
    proof = forms.ChoiceField(
        label=_("Proof of eligibility"), choices=PROOF_CHOICES, widget=forms.RadioSelect
    )

    SECTIONS = {
        "about": ("title", "description"),
        "ballot": (
            "ballot_kind", "min_projects", "max_projects", "max_points", "max_points_per_project"
        ),
        "rule": (
            "rule", "completion", "add1_exhaustive", "add1_integral", "comparison", "lot_seed"
        ),
        "eligibility": ("min_age", "residence", "proof"),
    }  # fmt: skip

    def __init__(self, *args, phases: Sequence[PhaseSpec], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The phases are given (their names and what they allow); only their dates change.
        self.phase_specs = list(phases)
        last = len(self.phase_specs) - 1
        for number, phase in enumerate(self.phase_specs):
            self.fields[f"phase_{number}_starts"] = forms.DateTimeField(
                label=_("Starts"), widget=_DATETIME, initial=phase.starts_at
            )
            self.fields[f"phase_{number}_ends"] = forms.DateTimeField(
                label=_("Ends"),
                widget=_DATETIME,
                initial=phase.ends_at,
                required=number != last,
                help_text=_("Empty: open-ended.") if number == last else "",
            )

    @property
    def sections(self) -> dict:
        return {name: [self[field] for field in fields] for name, fields in self.SECTIONS.items()}

    def phase_rows(self):
        return [
            (phase.name, self[f"phase_{n}_starts"], self[f"phase_{n}_ends"])
            for n, phase in enumerate(self.phase_specs)
        ]

    def clean(self):
        data = super().clean()
        if data.get("ballot_kind") == BallotKind.CUMULATIVE and not data.get("max_points"):
            self.add_error("max_points", _("A points ballot needs the number of points per voter."))
        return data

    def phases(self) -> list[PhaseSpec]:
        data = self.cleaned_data
        return [
            PhaseSpec(
                name=phase.name,
                starts_at=data[f"phase_{n}_starts"],
                ends_at=data.get(f"phase_{n}_ends"),
                allows=phase.allows,
            )
            for n, phase in enumerate(self.phase_specs)
        ]

    def settings(self) -> dict:
        """The settings in the shape of the services (``prize_money_create``/``configure``)."""
        data = self.cleaned_data
        ballot = {
            "kind": data["ballot_kind"],
            "min_projects": data.get("min_projects") or 0,
            "max_projects": data.get("max_projects"),
        }
        if data["ballot_kind"] == BallotKind.CUMULATIVE:
            ballot["max_points"] = data.get("max_points")
            ballot["max_points_per_project"] = data.get("max_points_per_project")
        if data["rule"] == Rule.GREEDY:
            options: dict = {"lot_seed": data.get("lot_seed")}
        else:
            options = {
                "completion": data["completion"],
                "add1_exhaustive": data["add1_exhaustive"],
                "add1_integral": data["add1_integral"],
                "comparison": data["comparison"],
                "lot_seed": data.get("lot_seed"),
            }
        return {
            "ballot": ballot,
            "rule": data["rule"],
            "rule_options": options,
            "eligibility": {
                "min_age": data["min_age"],
                "residence": data["residence"],
                "proof": data["proof"],
            },
        }

    @staticmethod
    def initial_from(process=None) -> dict:
        """The form's initial values: the process's settings, or the compute tool's defaults."""
        options = process.options if process is not None else {}
        ballot = options.get("ballot") or {"kind": BallotKind.APPROVAL, "min_projects": 0}
        rule_options = options.get("rule_options") or {}
        eligibility = options.get("eligibility") or {}
        return {
            "title": process.title if process is not None else "",
            "description": process.description if process is not None else "",
            "ballot_kind": ballot.get("kind"),
            "min_projects": ballot.get("min_projects", 0),
            "max_projects": ballot.get("max_projects"),
            "max_points": ballot.get("max_points"),
            "max_points_per_project": ballot.get("max_points_per_project"),
            "rule": options.get("rule", Rule.EQUAL_SHARES),
            "completion": rule_options.get("completion", "add1u"),
            "add1_exhaustive": rule_options.get("add1_exhaustive", True),
            "add1_integral": rule_options.get("add1_integral", True),
            "comparison": rule_options.get("comparison", "satisfaction"),
            "lot_seed": rule_options.get("lot_seed"),
            "min_age": eligibility.get("min_age", 14),
            "residence": eligibility.get("residence", "city"),
            "proof": eligibility.get("proof", "code"),
        }


class PotForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    district: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("District"),
        queryset=None,
        required=False,
        empty_label=_("— none: the city-wide pot —"),
    )
    amount = forms.IntegerField(label=_("Amount (EUR)"), min_value=1, max_value=10**12)

    def __init__(self, *args, districts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]


class SplitForm(forms.Form):
    """The population calculator: a total split across all districts, rounded to a unit."""

    total = forms.IntegerField(label=_("Total (EUR)"), min_value=1, max_value=10**12)
    unit = forms.IntegerField(
        label=_("Round to (EUR)"),
        min_value=1,
        max_value=10**9,
        initial=1,
        help_text=_("Every amount is a multiple of this, e.g. 100 EUR."),
    )

    def clean(self):
        data = super().clean()
        total, unit = data.get("total"), data.get("unit")
        if total and unit and total % unit:
            self.add_error(
                "unit",
                _("The total must be a whole number of rounding units (e.g. 1,000,000 and 100)."),
            )
        return data


class CodesForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of codes"),
        min_value=1,
        max_value=WEB_MAX_CODES,
        help_text=_(
            "At most 20,000 here (PDF letters: 500); larger batches with the command "
            "manage.py voting_codes_issue."
        ),
    )
    district: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("District"),
        queryset=None,
        required=False,
        empty_label=_("— none: the city-wide pot only —"),
        help_text=_("The codes also open this district's pot."),
    )
    label = forms.CharField(
        label=_("Label"),
        max_length=120,
        required=False,
        help_text=_("For example: letters to Innenstadt-Nord, March."),
    )
    export = forms.ChoiceField(
        label=_("Files"), choices=FORMAT_CHOICES, initial="zip", widget=forms.RadioSelect
    )

    def __init__(self, *args, districts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        count = data.get("count") or 0
        if data.get("export") in ("zip", "pdf") and count > WEB_MAX_LETTERS:
            self.add_error(
                "count",
                _("At most 500 letters can be made here; choose CSV only or use the command."),
            )
        return data

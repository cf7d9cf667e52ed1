"""Coordinates as people type them: a German decimal comma is a decimal, garbage a clear error."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from quartier.ideas.forms import AnalogIdeaForm, CoordinateField, IdeaEditForm, IdeaForm
from quartier.ideas.models import Idea
from quartier.ideas.tests.test_views import idea_form_data

INVALID = "Enter a decimal number, for example 51.5136 or 7.4653 (a decimal comma is fine too)."


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("51,5136", 51.5136),
        ("7.4653", 7.4653),
        ("7,4653", 7.4653),
        (" 51.5136 ", 51.5136),
        ("-0,5", -0.5),
        ("+7", 7.0),
        ("51", 51.0),
    ],
)
def test_a_coordinate_is_read_with_a_point_or_a_comma(typed, value):
    assert CoordinateField(min_value=-90, max_value=90).clean(typed) == value


@pytest.mark.parametrize(
    "typed",
    [
        "51.513.6",
        "51,513,6",
        "51,513.6",
        "515.136,5",
        "1e400",
        "1e2",
        "inf",
        "nan",
        "51°30'",
        "abc",
        "0x1F",
        "51.",
        ",5",
        "1_000",
        "٥١",
        "51 5136",
        "1" * 50,
    ],
)
def test_anything_but_a_plain_decimal_is_refused_with_a_clear_message(typed):
    field = CoordinateField(min_value=-90, max_value=90)
    with pytest.raises(ValidationError) as error:
        field.clean(typed)
    assert error.value.messages == [INVALID]


def test_an_empty_coordinate_is_required_but_not_invalid():
    for typed in ["", "   ", None]:
        form = IdeaForm(data=idea_form_data(lat=typed or "", lon="7,4653"))
        assert not form.is_valid()
        assert form.errors["lat"] == ["This field is required."]
        assert "lon" not in form.errors


def test_the_range_still_applies_after_a_comma():
    form = IdeaForm(data=idea_form_data(lat="91,5", lon="-180,5"))
    assert not form.is_valid()
    assert form.errors["lat"] == ["Ensure this value is less than or equal to 90."]
    assert form.errors["lon"] == ["Ensure this value is greater than or equal to -180."]


@pytest.mark.parametrize("form_class", [IdeaForm, AnalogIdeaForm, IdeaEditForm])
def test_every_idea_form_reads_the_comma_and_offers_a_decimal_keyboard(form_class):
    form = form_class(data=idea_form_data(lat="51,5136", lon="7,4653"))
    form.is_valid()
    assert form.cleaned_data["lat"] == 51.5136 and form.cleaned_data["lon"] == 7.4653
    html = str(form["lat"])
    # A text box: type=number would drop a comma the browser's locale cannot read.
    assert 'type="text"' in html and 'inputmode="decimal"' in html


def test_submitting_with_decimal_commas_places_the_idea_in_its_district(client, dortmund, resident):
    client.force_login(resident)
    response = client.post(
        reverse("idea_submit", args=["dortmund"]), idea_form_data(lat="51,5136", lon="7,4653")
    )
    assert response.status_code == 302
    idea = Idea.objects.get(title="Bank unter der Linde")
    assert (idea.lat, idea.lon) == (51.5136, 7.4653)
    assert idea.district.name == "Innenstadt-West"


def test_garbage_coordinates_come_back_as_a_form_error_not_a_500(client, dortmund, resident):
    client.force_login(resident)
    client.cookies["django_language"] = "en"  # the page's language; INVALID is the English text
    response = client.post(
        reverse("idea_submit", args=["dortmund"]), idea_form_data(lat="51.513.6", lon="1e400")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["lat"] == [INVALID] and errors["lon"] == [INVALID]
    # What was typed stays in the boxes, to be corrected rather than retyped.
    assert 'value="51.513.6"' in response.content.decode()
    assert not Idea.objects.filter(title="Bank unter der Linde").exists()

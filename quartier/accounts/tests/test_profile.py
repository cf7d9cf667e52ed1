"""The profile page: the public name and innovator type, and its limits."""

from django.urls import reverse

from quartier.accounts.models import User


def test_the_profile_page_needs_an_account(client, db):
    response = client.get(reverse("profile"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_person_changes_their_public_name_and_innovator_type(client, resident):
    client.force_login(resident)
    response = client.post(
        reverse("profile"), {"display_name": "  Anna K.  ", "innovator_type": "science"}
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.display_name == "Anna K." and resident.innovator_type == "science"


def test_a_bad_profile_keeps_the_stored_one(client, resident):
    client.force_login(resident)
    for data in [
        {"display_name": "", "innovator_type": "science"},
        {"display_name": "x" * 61, "innovator_type": "science"},
        {"display_name": "Anna", "innovator_type": "astronaut"},
    ]:
        response = client.post(reverse("profile"), data)
        assert response.status_code == 200  # the form again, with its errors
        assert "errorlist" in response.content.decode()
    stored = User.objects.get(pk=resident.pk)
    assert stored.display_name == "Anna" and stored.innovator_type == "resident"

"""Merging duplicates (#11): the city's staff merge one idea into another; comments and
supporters move (who supported both counts once), the merged one leaves the map and lists,
its page leads to the other, its versions stay, and the log says who did it."""

import pytest
from django.urls import reverse

from quartier.core.errors import PermissionDenied
from quartier.ideas import services
from quartier.ideas.errors import IdeaError
from quartier.ideas.models import Comment, Idea, Support
from quartier.ideas.selectors import idea_geojson_rows
from quartier.ideas.tests.test_services import submit
from quartier.participation.models import AuditEntry


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def pair(dortmund, resident, neighbour):
    kept = submit(dortmund, resident, title="Bänke im Westpark")
    duplicate = submit(dortmund, neighbour, title="Sitzbänke für den Westpark")
    for idea, who in ((kept, neighbour), (duplicate, neighbour), (duplicate, resident)):
        services.idea_support(idea=idea, user=who)
    services.comment_add(idea=duplicate, author=resident, body="Ja, bitte!")
    return kept, duplicate


def test_a_merge_moves_comments_and_supporters_once(pair, moderator, resident, neighbour):
    kept, duplicate = pair
    services.idea_merge(source=duplicate, target=kept, moderator=moderator, reason="Doppelt")
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert set(Support.objects.filter(idea=kept).values_list("user_id", flat=True)) == {
        resident.pk,
        neighbour.pk,
    }
    assert kept.support_count == 2 and duplicate.support_count == 0
    assert Comment.objects.get(body="Ja, bitte!").idea == kept and kept.comment_count == 1
    assert duplicate.merged_into == kept and duplicate.is_withdrawn
    assert "Bänke im Westpark" in duplicate.withdrawn_reason
    assert duplicate.revisions.count() == 1  # its versions stay with it
    entry = AuditEntry.objects.get(action="merge")
    assert entry.target_id == duplicate.pk and entry.detail == {"merged_into": kept.pk}
    public = {row[0] for row in idea_geojson_rows(city=kept.city)}
    assert kept.pk in public and duplicate.pk not in public


def test_the_merged_idea_leads_to_the_other_and_the_other_lists_it(client, pair, moderator):
    kept, duplicate = pair
    services.idea_merge(source=duplicate, target=kept, moderator=moderator, reason="Doppelt")
    answer = client.get(reverse("idea_detail", args=["dortmund", duplicate.pk]))
    assert answer.status_code == 301 and answer.url == reverse(
        "idea_detail", args=["dortmund", kept.pk]
    )
    page = client.get(answer.url).content.decode()
    assert "Merged into this idea" in page and "Sitzbänke für den Westpark" in page
    versions = client.get(reverse("idea_revisions", args=["dortmund", duplicate.pk]))
    assert versions.status_code == 200


def test_only_staff_merge_and_only_sensible_pairs(client, pair, moderator, resident, dortmund):
    kept, duplicate = pair
    with pytest.raises(PermissionDenied):
        services.idea_merge(source=duplicate, target=kept, moderator=resident, reason="x")
    client.force_login(resident)
    client.post(
        reverse("idea_merge", args=["dortmund", duplicate.pk]), {"into": kept.pk, "reason": "x"}
    )
    assert Idea.objects.get(pk=duplicate.pk).merged_into is None
    with pytest.raises(IdeaError):
        services.idea_merge(source=kept, target=kept, moderator=moderator, reason="x")
    services.idea_merge(source=duplicate, target=kept, moderator=moderator, reason="Doppelt")
    with pytest.raises(IdeaError):  # into an idea that has been merged (withdrawn) itself
        services.idea_merge(source=kept, target=duplicate, moderator=moderator, reason="x")
    with pytest.raises(IdeaError):  # twice
        services.idea_merge(source=duplicate, target=kept, moderator=moderator, reason="x")


def test_the_merge_form_says_what_is_wrong(client, pair, moderator):
    kept, duplicate = pair
    client.force_login(moderator)
    url = reverse("idea_merge", args=["dortmund", duplicate.pk])
    for data, message in (
        ({"into": "", "reason": "x"}, "Please give the number of the other idea and a reason."),
        ({"into": "999999", "reason": "x"}, "This city has no idea with that number."),
        ({"into": str(duplicate.pk), "reason": "x"}, "An idea cannot be merged into itself."),
    ):
        page = client.post(url, data, follow=True).content.decode()
        assert message in page
    assert Idea.objects.get(pk=duplicate.pk).merged_into is None
    done = client.post(url, {"into": str(kept.pk), "reason": "Doppelt"})
    assert done.status_code == 302 and done.url == reverse(
        "idea_detail", args=["dortmund", kept.pk]
    )

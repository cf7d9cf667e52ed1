import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from quartier.cities.errors import PointOutsideCity
from quartier.conftest import BORSIGPLATZ, PARIS, image_bytes
from quartier.core.errors import PermissionDenied, RateLimited
from quartier.ideas import services
from quartier.ideas.errors import IdeaError
from quartier.ideas.images import InvalidImage
from quartier.ideas.models import Comment, Idea, IdeaImage, Source, Support
from quartier.moderation.models import Report
from quartier.moderation.services import content_hide, report_create


def submit(city, author, **overrides):
    data = {
        "city": city,
        "author": author,
        "title": "Trinkbrunnen am Borsigplatz",
        "summary": "Kostenloses Wasser für alle im Sommer.",
        "description": "Ein **Trinkbrunnen** hilft bei Hitze.",
        "kind": "ecological",
        "innovator_type": "resident",
        "lat": BORSIGPLATZ[0],
        "lon": BORSIGPLATZ[1],
    }
    data.update(overrides)
    return services.idea_submit(**data)


def test_submitted_idea_is_assigned_to_its_district(dortmund, resident):
    idea = submit(dortmund, resident)
    assert idea.district.name == "Innenstadt-Nord"
    assert idea.stage == "idea"
    assert "<strong>Trinkbrunnen</strong>" in idea.description_html


def test_idea_in_paris_is_refused_and_nothing_is_stored(dortmund, resident):
    before = Idea.objects.count()
    with pytest.raises(PointOutsideCity):
        submit(dortmund, resident, lat=PARIS[0], lon=PARIS[1])
    assert Idea.objects.count() == before


def test_script_in_description_is_neutralised(dortmund, resident):
    idea = submit(
        dortmund,
        resident,
        description='Hallo <script>alert("x")</script> [klick](javascript:alert(1)) '
        "<img src=x onerror=alert(1)>",
    )
    html = idea.description_html
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text, not executed
    assert idea.description.startswith("Hallo <script>")  # the source is kept as written


def test_unverified_account_cannot_submit(dortmund, unverified):
    with pytest.raises(PermissionDenied):
        submit(dortmund, unverified)


def test_only_the_citys_moderators_may_enter_analog_ideas(dortmund, resident, moderator):
    with pytest.raises(PermissionDenied):
        submit(dortmund, resident, source=Source.ANALOG, analog_origin="Helpathon")
    idea = submit(dortmund, moderator, source=Source.ANALOG, analog_origin="Helpathon Nordstadt")
    assert idea.source == "analog" and idea.analog_origin == "Helpathon Nordstadt"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "x" * 121),
        ("summary", "   "),
        ("kind", "magic"),
        ("innovator_type", "wizard"),
    ],
)
def test_invalid_fields_are_refused(dortmund, resident, field, value):
    with pytest.raises(IdeaError):
        submit(dortmund, resident, **{field: value})


def test_images_are_stored_without_exif_and_with_thumbnail(dortmund, resident):
    upload = SimpleUploadedFile(
        "foto.jpg", image_bytes("JPEG", size=(3000, 1500), exif=True), "image/jpeg"
    )
    idea = submit(dortmund, resident, images=[upload], image_alt_texts=["Ein Brunnen"])
    stored = IdeaImage.objects.get(idea=idea)
    assert stored.alt_text == "Ein Brunnen"
    assert max(stored.width, stored.height) == 2000
    with Image.open(stored.image.path) as picture:
        assert not picture.getexif()
    with Image.open(stored.thumbnail.path) as thumb:
        assert max(thumb.size) <= 480


def test_a_pdf_renamed_jpg_is_refused(dortmund, resident):
    fake = SimpleUploadedFile("plan.jpg", b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF", "image/jpeg")
    with pytest.raises(InvalidImage) as error:
        submit(dortmund, resident, images=[fake])
    assert "plan.jpg" in error.value.message
    assert not Idea.objects.filter(title="Trinkbrunnen am Borsigplatz").exists()


def test_a_30_mb_image_is_refused(dortmund, resident):
    big = SimpleUploadedFile("huge.jpg", b"\xff\xd8" + b"0" * (30 * 1024 * 1024), "image/jpeg")
    with pytest.raises(InvalidImage) as error:
        submit(dortmund, resident, images=[big])
    assert "too large" in error.value.message


def test_a_gif_is_refused(dortmund, resident):
    gif = SimpleUploadedFile("anim.gif", image_bytes("GIF"), "image/gif")
    with pytest.raises(InvalidImage):
        submit(dortmund, resident, images=[gif])


def test_more_than_five_images_are_refused(dortmund, resident):
    uploads = [SimpleUploadedFile(f"{i}.png", image_bytes("PNG"), "image/png") for i in range(6)]
    with pytest.raises(IdeaError):
        submit(dortmund, resident, images=uploads)


def test_support_counts_once_per_person(dortmund, resident, neighbour):
    idea = submit(dortmund, resident)
    assert services.idea_support(idea=idea, user=neighbour) is True
    assert services.idea_support(idea=idea, user=neighbour) is False
    idea.refresh_from_db()
    assert idea.support_count == 1
    assert services.idea_unsupport(idea=idea, user=neighbour) is True
    idea.refresh_from_db()
    assert idea.support_count == 0


def test_the_database_enforces_one_support_per_person(dortmund, resident, neighbour):
    idea = submit(dortmund, resident)
    Support.objects.create(idea=idea, user=neighbour)
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(idea=idea, user=neighbour)


def test_replies_are_one_level_deep(dortmund, resident, neighbour):
    idea = submit(dortmund, resident)
    top = services.comment_add(idea=idea, author=neighbour, body="Gute Idee!")
    reply = services.comment_add(idea=idea, author=resident, body="Danke", parent=top)
    reply_to_reply = services.comment_add(idea=idea, author=neighbour, body="Gern", parent=reply)
    assert reply.parent == top
    assert reply_to_reply.parent == top
    idea.refresh_from_db()
    assert idea.comment_count == 3


def test_reply_to_a_comment_of_another_idea_is_refused(dortmund, resident, neighbour):
    first = submit(dortmund, resident)
    second = submit(dortmund, resident, title="Zweite Idee")
    foreign = services.comment_add(idea=first, author=neighbour, body="Hallo")
    with pytest.raises(IdeaError):
        services.comment_add(idea=second, author=neighbour, body="Antwort", parent=foreign)


def test_moderator_hides_a_reported_comment_and_resolves_the_report(
    dortmund, resident, neighbour, moderator
):
    idea = submit(dortmund, resident)
    comment = services.comment_add(idea=idea, author=neighbour, body="Beleidigung")
    report = report_create(reporter=resident, reason="abuse", target=comment)
    with pytest.raises(PermissionDenied):
        content_hide(target=comment, moderator=resident, reason="nope")
    content_hide(target=comment, moderator=moderator, reason="Beleidigend (Regel 2)")
    comment.refresh_from_db()
    report.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "Beleidigend (Regel 2)"
    assert report.resolved_at is not None and report.resolved_by == moderator
    assert Comment.objects.filter(pk=comment.pk).exists()  # kept, not deleted


def test_hidden_idea_cannot_be_supported(dortmund, resident, neighbour, moderator):
    idea = submit(dortmund, resident)
    content_hide(target=idea, moderator=moderator, reason="Werbung")
    with pytest.raises(IdeaError):
        services.idea_support(idea=idea, user=neighbour)


def test_a_report_needs_a_known_reason_and_counts_once_per_person(dortmund, resident):
    from quartier.moderation.errors import ModerationError

    idea = submit(dortmund, resident)
    with pytest.raises(ModerationError):
        report_create(reporter=resident, reason="because", target=idea)
    assert Report.objects.count() == 0
    first = report_create(reporter=resident, reason="spam", target=idea)
    again = report_create(reporter=resident, reason="abuse", target=idea)
    assert first == again and Report.objects.count() == 1


def test_writes_are_rate_limited(dortmund, resident, neighbour):
    idea = submit(dortmund, resident)
    for number in range(30):
        services.comment_add(idea=idea, author=neighbour, body=f"Kommentar {number}")
    with pytest.raises(RateLimited):
        services.comment_add(idea=idea, author=neighbour, body="einer zu viel")
    assert Comment.objects.filter(idea=idea).count() == 30

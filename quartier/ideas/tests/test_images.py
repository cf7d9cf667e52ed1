"""Uploads are refused by their size and their header before anything is decoded."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from quartier.conftest import BORSIGPLATZ, image_bytes
from quartier.core.errors import RateLimited
from quartier.ideas import images as images_module
from quartier.ideas import services
from quartier.ideas.images import InvalidImage, image_process
from quartier.ideas.models import Idea, IdeaImage
from quartier.ideas.tests.test_services import submit


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def bomb_png() -> bytes:
    """A single-colour 8900 x 8900 PNG (79 megapixels): about 330 KB on disk, 240 MB decoded.
    Pillow alone only warns below 2 x MAX_IMAGE_PIXELS and would decode it."""
    buffer = io.BytesIO()
    Image.new("L", (8900, 8900), 255).save(buffer, "PNG", optimize=False)
    return buffer.getvalue()


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any pixel data is decoded."""

    def refuse(self, *args, **kwargs):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    monkeypatch.setattr(Image.Image, "load", refuse)


def test_the_bomb_is_small_on_disk(bomb_png):
    assert len(bomb_png) < 2 * 1024 * 1024  # passes every byte limit: only the header tells


def test_an_8900_by_8900_png_is_refused_without_decoding_it(bomb_png, no_decoding):
    upload = SimpleUploadedFile("bomb.png", bomb_png, "image/png")
    with pytest.raises(InvalidImage) as error:
        image_process(upload, max_bytes=5 * 1024 * 1024)
    assert "too many pixels" in error.value.message
    assert "40 megapixels" in error.value.message


def test_the_header_check_refuses_even_if_pillows_own_guard_is_loosened(
    bomb_png, no_decoding, monkeypatch
):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    upload = SimpleUploadedFile("bomb.png", bomb_png, "image/png")
    with pytest.raises(InvalidImage) as error:
        image_process(upload, max_bytes=5 * 1024 * 1024)
    assert "8900 x 8900" in error.value.message


def test_pillow_raises_instead_of_warning_above_our_limit():
    assert Image.MAX_IMAGE_PIXELS is not None
    assert 2 * Image.MAX_IMAGE_PIXELS <= images_module.MAX_PIXELS


def test_a_bomb_in_a_submission_stores_nothing(dortmund, resident, bomb_png, no_decoding):
    upload = SimpleUploadedFile("bomb.png", bomb_png, "image/png")
    with pytest.raises(InvalidImage):
        submit(dortmund, resident, images=[upload])
    assert not Idea.objects.filter(author=resident).exists()


def test_the_submit_page_shows_the_refusal(client, dortmund, resident, bomb_png, no_decoding):
    client.force_login(resident)
    response = client.post(
        reverse("idea_submit", kwargs={"city_slug": dortmund.slug}),
        {
            "title": "Brunnen",
            "summary": "Wasser",
            "description": "Mehr Wasser",
            "kind": "ecological",
            "innovator_type": "resident",
            "lat": BORSIGPLATZ[0],
            "lon": BORSIGPLATZ[1],
            "images": [SimpleUploadedFile("bomb.png", bomb_png, "image/png")],
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "too many pixels" in response.content.decode()
    assert not Idea.objects.filter(author=resident).exists()


def test_the_rate_limit_comes_before_any_image_is_read(dortmund, resident, monkeypatch):
    for number in range(10):
        submit(dortmund, resident, title=f"Idee {number}")

    def refuse(*args, **kwargs):
        raise AssertionError("an image was processed past the rate limit")

    monkeypatch.setattr(services, "image_process", refuse)
    upload = SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png")
    with pytest.raises(RateLimited):
        submit(dortmund, resident, images=[upload])


def test_an_oversized_second_file_refuses_before_the_first_is_decoded(
    dortmund, resident, monkeypatch
):
    def refuse(*args, **kwargs):
        raise AssertionError("an image was processed before every size was checked")

    monkeypatch.setattr(services, "image_process", refuse)
    small = SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png")
    big = SimpleUploadedFile("b.jpg", b"\xff\xd8" + b"0" * (6 * 1024 * 1024), "image/jpeg")
    with pytest.raises(InvalidImage) as error:
        submit(dortmund, resident, images=[small, big])
    assert "b.jpg is too large" in error.value.message


def test_the_form_refuses_an_oversized_file(client, dortmund, resident):
    client.force_login(resident)
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (6 * 1024 * 1024), "image/jpeg")
    response = client.post(
        reverse("idea_submit", kwargs={"city_slug": dortmund.slug}),
        {
            "title": "Brunnen",
            "summary": "Wasser",
            "description": "Mehr Wasser",
            "kind": "ecological",
            "innovator_type": "resident",
            "lat": BORSIGPLATZ[0],
            "lon": BORSIGPLATZ[1],
            "images": [big],
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "big.jpg is too large" in response.content.decode()


def test_a_jpeg_comment_is_stripped(dortmund, resident):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 30)).save(
        buffer, "JPEG", comment=b"Taken at Musterstrasse 5 by Erika"
    )
    raw = buffer.getvalue()
    assert b"Musterstrasse" in raw
    with Image.open(io.BytesIO(raw)) as original:
        assert original.info.get("comment")
    idea = submit(dortmund, resident, images=[SimpleUploadedFile("c.jpg", raw, "image/jpeg")])
    stored = IdeaImage.objects.get(idea=idea)
    for field in (stored.image, stored.thumbnail):
        with field.open("rb") as handle:
            data = handle.read()
        assert b"Musterstrasse" not in data
        with Image.open(io.BytesIO(data)) as picture:
            assert "comment" not in picture.info
            assert "exif" not in picture.info

"""Uploaded images: checked by content, re-encoded without metadata, with a thumbnail."""

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from quartier.core.errors import DomainError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_SIDE = 2000
THUMBNAIL_SIDE = 480
# A 40-megapixel photo is already larger than any camera's default; decoding it takes about
# 120 MB. A tiny file can declare far more pixels (a single-colour 8900 x 8900 PNG is 326 KB and
# decodes to 240 MB in 2 s), so the header's size is checked before anything is decoded.
MAX_PIXELS = 40_000_000
# Pillow only warns between MAX_IMAGE_PIXELS and twice that, and raises above: with half our
# limit here, Pillow itself raises for anything we refuse, wherever an image is opened.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS // 2
# Only what the picture needs survives re-encoding: no EXIF (location, device), XMP or comment.
KEPT_INFO = ("icc_profile", "transparency")


class InvalidImage(DomainError):
    code = "invalid_image"


@dataclass(frozen=True)
class ProcessedImage:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _encode(picture: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    if image_format == "JPEG":
        picture.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True)
    else:
        picture.save(buffer, image_format)
    return buffer.getvalue()


def image_check_size(upload: UploadedFile, *, max_bytes: int) -> None:
    """Refuse a file by its size alone, before anything reads it."""
    name = upload.name or "image"
    if upload.size is None or upload.size > max_bytes:
        raise InvalidImage(
            _("%(name)s is too large (%(size).1f MB); the limit is %(limit).0f MB.")
            % {"name": name, "size": (upload.size or 0) / 1_048_576, "limit": max_bytes / 1_048_576}
        )


def _too_many_pixels(name: str, width: int, height: int) -> InvalidImage:
    return InvalidImage(
        _(
            "%(name)s has too many pixels (%(width)d x %(height)d); at most %(limit)d megapixels "
            "are accepted. Please make the picture smaller."
        )
        % {"name": name, "width": width, "height": height, "limit": MAX_PIXELS // 1_000_000}
    )


def image_process(upload: UploadedFile, *, max_bytes: int) -> ProcessedImage:
    name = upload.name or "image"
    image_check_size(upload, max_bytes=max_bytes)
    try:
        upload.seek(0)
        # Image.open reads the header only; its size is checked before verify() or load().
        with Image.open(upload) as probe:
            image_format = probe.format or ""
            if image_format not in ACCEPTED_FORMATS:
                raise InvalidImage(_("%(name)s is not a JPEG, PNG or WebP image.") % {"name": name})
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise _too_many_pixels(name, width, height)
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as original:
            # Apply the camera's rotation, then drop EXIF (location, device) by re-encoding.
            picture = ImageOps.exif_transpose(original)
            picture.load()
    except Image.DecompressionBombError as error:
        raise InvalidImage(
            _(
                "%(name)s has too many pixels; at most %(limit)d megapixels are accepted. "
                "Please make the picture smaller."
            )
            % {"name": name, "limit": MAX_PIXELS // 1_000_000}
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise InvalidImage(
            _("%(name)s is not a readable image (JPEG, PNG or WebP).") % {"name": name}
        ) from error

    picture.info = {key: picture.info[key] for key in KEPT_INFO if key in picture.info}
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    extension = ACCEPTED_FORMATS[image_format]
    full = ContentFile(_encode(picture, image_format), name=f"image.{extension}")
    small = picture.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    thumbnail = ContentFile(_encode(small, image_format), name=f"thumb.{extension}")
    return ProcessedImage(
        image=full, thumbnail=thumbnail, width=picture.width, height=picture.height
    )

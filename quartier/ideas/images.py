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
# Pillow's decompression-bomb guard: refuse images that would need gigabytes of memory.
Image.MAX_IMAGE_PIXELS = 40_000_000


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


def image_process(upload: UploadedFile, *, max_bytes: int) -> ProcessedImage:
    name = upload.name or "image"
    if upload.size is not None and upload.size > max_bytes:
        raise InvalidImage(
            _("%(name)s is too large (%(size).1f MB); the limit is %(limit).0f MB.")
            % {"name": name, "size": upload.size / 1_048_576, "limit": max_bytes / 1_048_576}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format or ""
            probe.verify()
        if image_format not in ACCEPTED_FORMATS:
            raise InvalidImage(_("%(name)s is not a JPEG, PNG or WebP image.") % {"name": name})
        upload.seek(0)
        with Image.open(upload) as original:
            # Apply the camera's rotation, then drop EXIF (location, device) by re-encoding.
            picture = ImageOps.exif_transpose(original)
            picture.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as error:
        raise InvalidImage(
            _("%(name)s is not a readable image (JPEG, PNG or WebP).") % {"name": name}
        ) from error

    picture.info.pop("exif", None)
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    extension = ACCEPTED_FORMATS[image_format]
    full = ContentFile(_encode(picture, image_format), name=f"image.{extension}")
    small = picture.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    thumbnail = ContentFile(_encode(small, image_format), name=f"thumb.{extension}")
    return ProcessedImage(
        image=full, thumbnail=thumbnail, width=picture.width, height=picture.height
    )

"""Uploads: checked for size and type, images re-encoded without metadata, renditions made."""

import io
import mimetypes
import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from samizdat.core import http

from .models import Media

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
OTHER_TYPES = {
    ".pdf": "application/pdf",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".txt": "text/plain",
}
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
# Refuse decompression bombs well before Pillow's own limit.
MAX_PIXELS = 50_000_000


def _clean_image(data):
    """Re-encode an image from its pixels alone, dropping EXIF, GPS, XMP and comments."""
    try:
        image = Image.open(io.BytesIO(data))
        image.verify()
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError(_("This file is not an image we can read."))
    fmt = image.format
    if fmt not in IMAGE_FORMATS:
        raise ValidationError(_("Images must be JPEG, PNG, GIF or WebP."))
    if image.width * image.height > MAX_PIXELS:
        raise ValidationError(_("This image is too large (more than 50 megapixels)."))
    if fmt == "GIF" and getattr(image, "is_animated", False):
        # Animated GIFs keep their frames; GIF carries no EXIF or GPS data.
        out = io.BytesIO()
        image.save(out, format="GIF", save_all=True)
        return out.getvalue(), fmt, image.size
    image = ImageOps.exif_transpose(image)
    # A new image from raw pixels carries no info, EXIF or ICC blocks at all.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    if image.mode in ("P", "PA") and image.getpalette():
        clean.putpalette(image.getpalette())
    return _encode(clean, fmt), fmt, clean.size


def clean_image(data):
    """Check uploaded image bytes and re-encode them without metadata: (bytes, format, (width, height))."""
    return _clean_image(data)


def _encode(image, fmt):
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    else:
        image.save(out, format=fmt, optimize=True)
    return out.getvalue()


def store_upload(blog, uploaded_by, upload, *, alt=""):
    """Check and store an uploaded file as Media of `blog`; raise ValidationError if refused."""
    if upload.size > settings.SAMIZDAT_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("This file is %(size)s MB; the limit is %(limit)s MB."),
            params={
                "size": round(upload.size / 1048576, 1),
                "limit": round(settings.SAMIZDAT_MAX_UPLOAD_BYTES / 1048576, 1),
            },
        )
    data = upload.read()
    name = os.path.basename(upload.name or "upload")
    stem, ext = os.path.splitext(name)
    ext = ext.lower()
    media = Media(blog=blog, uploaded_by=uploaded_by, original_name=name, alt=alt)
    if ext not in OTHER_TYPES and ext not in IMAGE_EXTENSIONS:
        raise ValidationError(
            _("Files of this type (%(ext)s) are not accepted. Upload an image (JPEG, PNG, GIF, WebP), "
              "PDF, MP3, Ogg, MP4, WebM or text file."),
            params={"ext": ext or _("no extension")},
        )
    if ext in OTHER_TYPES:
        media.content_type = OTHER_TYPES[ext]
        payload = data
    else:
        payload, fmt, (media.width, media.height) = _clean_image(data)
        media.content_type = IMAGE_FORMATS[fmt]
        ext = mimetypes.guess_extension(media.content_type) or ext
        if ext == ".jpe":
            ext = ".jpg"
    media.size = len(payload)
    media.file.save(f"{stem[:80]}{ext}", ContentFile(payload), save=False)
    if media.is_image and media.content_type != "image/gif":
        media.renditions = _make_renditions(media, payload)
    media.save()
    return media


def store_remote(blog, uploaded_by, url, *, max_bytes, alt="", content_types=None):
    """Fetch the file at `url` through the one HTTP client and store it as an upload of `blog`.

    The same checks as an upload (type, size, images re-encoded without metadata). Raises
    http.FetchError when it cannot be fetched, ValidationError when it is refused.
    """
    response = http.fetch(url, max_bytes=max_bytes, content_types=content_types)
    name = os.path.basename(urlsplit(response.url).path) or "download"
    if os.path.splitext(name)[1].lower() not in IMAGE_EXTENSIONS | OTHER_TYPES.keys():
        # An address such as /image?id=3 names no type: its answer's content type does.
        name += mimetypes.guess_extension(response.content_type or "") or ""
    upload = SimpleUploadedFile(name, response.content, content_type=response.content_type)
    return store_upload(blog, uploaded_by, upload, alt=alt)


def _make_renditions(media, payload):
    renditions = {}
    image = Image.open(io.BytesIO(payload))
    fmt = image.format
    base, ext = os.path.splitext(media.file.name)
    for width in settings.SAMIZDAT_RENDITION_WIDTHS:
        if width >= image.width:
            continue
        height = round(image.height * width / image.width)
        small = image.resize((width, height), Image.Resampling.LANCZOS)
        name = default_storage.save(f"{base}-{width}{ext}", ContentFile(_encode(small, fmt)))
        renditions[str(width)] = name
    return renditions


def delete_media(media):
    """Delete a media item with its stored file and renditions; posts featuring it lose their image."""
    names = [media.file.name, *media.renditions.values()]
    media.delete()
    for name in names:
        if name:
            default_storage.delete(name)

"""Avatars drawn on our own host: an uploaded picture made square, or an identicon.

Never Gravatar or any other outside service: a reader's browser asks nobody but us.
"""

import colorsys
import hashlib
import io
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.html import format_html
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageOps

from samizdat.posts.media import clean_image

# Stored size of an uploaded avatar, in pixels; pages show it at 32 to 96 CSS pixels.
AVATAR_PIXELS = 96
GRID = 5


def _identicon_cells(seed):
    """The filled cells of a 5×5 grid mirrored left to right, and a colour, from `seed`."""
    digest = hashlib.sha256(f"samizdat-identicon:{seed}".encode()).digest()
    cells = []
    for row in range(GRID):
        for col in range((GRID + 1) // 2):
            if digest[row * 3 + col] & 1:
                cells.append((col, row))
                if col != GRID - 1 - col:
                    cells.append((GRID - 1 - col, row))
    hue = digest[20] / 255
    return sorted(cells), hue


def _hsl_to_hex(hue, saturation, lightness):
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def identicon_svg(seed, size, label):
    """An inline SVG identicon for `seed` (a user's id), `size` pixels square, named `label`."""
    cells, hue = _identicon_cells(seed)
    path = "".join(f"M{x} {y}h1v1h-1z" for x, y in cells)
    return format_html(
        '<svg class="avatar" width="{}" height="{}" viewBox="-.5 -.5 6 6" role="img" aria-label="{}" '
        'shape-rendering="crispEdges"><rect x="-.5" y="-.5" width="6" height="6" fill="#eeeeec"/>'
        '<path fill="{}" d="{}"/></svg>',
        size, size, label, _hsl_to_hex(hue, 0.55, 0.42), path,
    )


def identicon_png(seed, size=192):
    """The identicon for `seed` as PNG bytes, for other servers, which show no SVG avatars."""
    cells, hue = _identicon_cells(seed)
    cell = size // (GRID + 1)
    margin = (size - cell * GRID) // 2
    image = Image.new("RGB", (size, size), "#eeeeec")
    draw = ImageDraw.Draw(image)
    for x, y in cells:
        left, top = margin + x * cell, margin + y * cell
        draw.rectangle((left, top, left + cell - 1, top + cell - 1), fill=_hsl_to_hex(hue, 0.55, 0.42))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def square_avatar(upload):
    """Check an uploaded picture and return it cropped square, AVATAR_PIXELS wide, as (bytes, extension)."""
    if upload.size > settings.SAMIZDAT_MAX_UPLOAD_BYTES:
        raise ValidationError(_("This picture is too large."))
    payload, fmt, _size = clean_image(upload.read())
    image = Image.open(io.BytesIO(payload))
    image.seek(0)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    image = ImageOps.fit(image, (AVATAR_PIXELS, AVATAR_PIXELS), Image.Resampling.LANCZOS)
    # A fresh image from raw pixels carries no EXIF, ICC or text blocks.
    image = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    if has_alpha:
        image.save(out, format="PNG", optimize=True)
        return out.getvalue(), ".png"
    image.save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue(), ".jpg"


def store_avatar_file(payload, extension):
    """Store avatar bytes under a random name (not the username) and return the stored name."""
    return default_storage.save(f"avatars/{secrets.token_urlsafe(12)}{extension}", ContentFile(payload))

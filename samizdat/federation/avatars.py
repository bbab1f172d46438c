"""Remote actors' pictures, copied to our host: readers' browsers never ask the other server."""

import logging

from django.core.files.uploadedfile import SimpleUploadedFile

from samizdat.core import http
from samizdat.social.avatars import square_avatar, store_avatar_file

logger = logging.getLogger(__name__)
MAX_ICON_BYTES = 2 * 1024 * 1024


def cached_avatar(remote):
    """The stored name of our copy of `remote`'s icon, fetched when new or changed; "" without one."""
    if not remote.icon_url:
        return ""
    if remote.avatar and remote.avatar_source == remote.icon_url:
        return remote.avatar.name
    try:
        response = http.fetch(remote.icon_url, max_bytes=MAX_ICON_BYTES)
        upload = SimpleUploadedFile("icon", response.content, content_type=response.content_type)
        payload, extension = square_avatar(upload)
    except Exception as exc:  # unreachable, too large, or not a picture we can read
        logger.info("No avatar for %s: %s", remote.ap_id, exc)
        return ""
    remote.avatar.name = store_avatar_file(payload, extension)
    remote.avatar_source = remote.icon_url
    remote.save(update_fields=["avatar", "avatar_source"])
    return remote.avatar.name

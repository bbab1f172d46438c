"""Uploads on an S3-compatible store (django-storages), linked at the instance's MEDIA_URL."""

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class MediaStorage(S3Storage):
    """The bucket holds the files; pages link them at MEDIA_URL, never at the store's own address.

    MEDIA_URL is the instance's /media/ (the front server or Samizdat passes the files on from the
    bucket) or a public address the admin declared as theirs (SAMIZDAT_MEDIA_PUBLIC_URL): a reader's
    browser is never sent to a host that is not the instance's.
    """

    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + filepath_to_uri(name)

    def names(self):
        """Every file name in the bucket (under the prefix), sorted: one flat listing, not one per folder."""
        prefix = f"{self.location.strip('/')}/" if self.location.strip("/") else ""
        return sorted(item.key[len(prefix):] for item in self.bucket.objects.filter(Prefix=prefix)
                      if not item.key.endswith("/"))

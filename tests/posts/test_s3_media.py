"""Uploads on an S3-compatible store (SAMIZDAT_MEDIA_S3_BUCKET): an independent server on loopback
(s3rver, tests/s3_peer.py) holds them, looked into with a client of our own, never through Samizdat."""

import io
import re
import urllib.request

from django.core.files.base import ContentFile
from PIL import Image

from samizdat.posts.media import store_upload
from samizdat.posts.models import Post
from tests.instances import Instance
from tests.s3_peer import bucket_storage, s3_peer  # noqa: F401 (fixtures)

from .test_media import GPS_IFD, jpeg_with_gps


def test_upload_goes_to_the_bucket_without_metadata_with_its_renditions(bucket_storage, s3_peer, make_blog):
    blog = make_blog()
    upload = ContentFile(jpeg_with_gps(), name="protest.jpg")
    media = store_upload(blog, blog.memberships.first().user, upload, alt="The square")
    keys = s3_peer.keys(bucket_storage)
    assert keys == sorted([media.file.name, *media.renditions.values()]) and len(keys) == 4
    for key in keys:
        raw = s3_peer.get(bucket_storage, key)
        stored = Image.open(io.BytesIO(raw))
        assert not stored.getexif().get_ifd(GPS_IFD) and b"SpyCam" not in raw, key
    assert sorted(Image.open(io.BytesIO(s3_peer.get(bucket_storage, k))).width for k in keys) == [480, 960, 1600, 2000]


def test_bucket_upload_is_linked_and_served_on_the_instances_own_host(bucket_storage, s3_peer, make_post, client):
    post = make_post(title="Square")
    media = store_upload(post.blog, post.author, ContentFile(jpeg_with_gps(800, 400), name="square.jpg"))
    Post.objects.filter(pk=post.pk).update(featured_image=media)
    page = client.get(post.get_absolute_url()).content.decode()
    sources = re.findall(r'<img[^>]+src="([^"]+)"', page)
    assert f"/media/{media.file.name}" in sources and all(s.startswith("/") for s in sources)
    answer = client.get(f"/media/{media.file.name}")
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"
    assert b"".join(answer.streaming_content) == s3_peer.get(bucket_storage, media.file.name)
    assert client.get("/media/uploads/none.jpg").status_code == 404


def test_declared_public_address_is_the_one_other_origin_pages_may_load(s3_peer, tmp_path):
    bucket = s3_peer.new_bucket()
    public = f"{s3_peer.endpoint}/{bucket}/"
    instance = Instance(tmp_path / "instance")
    instance.data_dir.mkdir()
    instance.env.update(s3_peer.env(bucket), SAMIZDAT_MEDIA_PUBLIC_URL=public)
    out = instance.python(
        "from django.core.files.base import ContentFile; from django.core.files.storage import default_storage; "
        "from samizdat.core.middleware import CONTENT_SECURITY_POLICY; "
        "name = default_storage.save('uploads/flag.txt', ContentFile(b'flag')); "
        "print(default_storage.url(name)); print(CONTENT_SECURITY_POLICY)"
    )
    url, policy = out.splitlines()
    assert url == public + "uploads/flag.txt"
    assert urllib.request.urlopen(url).read() == b"flag"  # the bucket answers readers at that address
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["img-src"] == f"'self' {s3_peer.endpoint}"
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"

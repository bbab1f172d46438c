"""The WordPress import, mirrors and backups with uploads on an S3-compatible store: an independent
server on loopback (s3rver, tests/s3_peer.py), looked into with a client of our own."""

import json
import tarfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from samizdat.portability.backup import MANIFEST
from samizdat.portability.mirror import build_mirror
from samizdat.posts.models import Post
from tests.instances import Instance, make_instance, scratch_database, scratch_database_url  # noqa: F401
from tests.s3_peer import bucket_storage, s3_peer  # noqa: F401 (fixtures)

from .conftest import item, wxr
from .test_backup import SEED
from .test_import import attachment, media_server, run  # noqa: F401 (fixture)


def test_media_fetched_by_the_import_land_in_the_bucket(db, bucket_storage, s3_peer, media_server):
    url = f"{media_server}/uploads/cat.png"
    run(wxr(item(1, "Hello", slug="hello", content=f'<img src="{url}" alt="cat">'), attachment(7, url)),
        fetch_media=True)
    hello = Post.objects.get(slug="hello")
    [key] = s3_peer.keys(bucket_storage)
    assert f'src="/media/{key}"' in hello.html and url not in hello.html
    assert s3_peer.get(bucket_storage, key).startswith(b"\x89PNG")


def test_mirror_copies_bucket_media_a_post_shows(bucket_storage, s3_peer, make_post, tmp_path):
    name = default_storage.save("uploads/2026/01/flag.png", ContentFile(b"\x89PNG flag"))
    post = make_post(title="Flag", source=f"![flag](/media/{name})")
    build_mirror(post.blog, tmp_path / "mirror")
    assert (tmp_path / "mirror/media" / name).read_bytes() == s3_peer.get(bucket_storage, name)


def test_mirror_copies_media_linked_at_the_declared_public_address(bucket_storage, s3_peer, make_post, tmp_path,
                                                                    settings):
    settings.MEDIA_URL = f"{s3_peer.endpoint}/{bucket_storage}/"
    name = default_storage.save("uploads/flag.png", ContentFile(b"\x89PNG flag"))
    post = make_post(title="Flag", source=f"![flag]({default_storage.url(name)})")
    out = tmp_path / "mirror"
    build_mirror(post.blog, out)
    assert (out / "media" / name).read_bytes() == b"\x89PNG flag"
    page = (out / post.get_absolute_url().removeprefix(f"/@{post.blog.slug}/") / "index.html").read_text()
    assert s3_peer.endpoint not in page and 'src="../../../../media/uploads/flag.png"' in page


def test_backup_copies_the_bucket_and_restore_fills_another(make_instance, s3_peer, tmp_path):
    source, source_bucket, target_bucket = make_instance(), s3_peer.new_bucket(), s3_peer.new_bucket()
    source.env.update(s3_peer.env(source_bucket))
    source.python(SEED)
    keys = s3_peer.keys(source_bucket)
    assert len(keys) == 2  # the banner and its 480-pixel rendition
    backup = tmp_path / "site.tar.gz"
    source.run("backup", str(backup))
    with tarfile.open(backup) as tar:
        manifest = json.load(tar.extractfile(MANIFEST))
    assert sorted(n for n in manifest["sha256"] if n.startswith("media/")) == [f"media/{k}" for k in keys]

    with scratch_database() as database_url:
        target = Instance(tmp_path / "target", database_url=database_url)
        target.data_dir.mkdir()
        target.env.update(s3_peer.env(target_bucket))
        s3_peer.client().put_object(Bucket=target_bucket, Key="uploads/stray.png", Body=b"not in the backup")
        assert "Restored" in target.run("restore", "--force", str(backup))
        assert s3_peer.keys(target_bucket) == keys
        assert [s3_peer.get(target_bucket, k) for k in keys] == [s3_peer.get(source_bucket, k) for k in keys]
        name, url = target.python("from samizdat.posts.models import Media; f = Media.objects.get().file; print(f.name, f.url)").split()
        assert name in keys and url == f"/media/{name}"

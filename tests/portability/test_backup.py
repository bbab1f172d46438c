"""`samizdat backup` and `samizdat restore`: a running instance backed up while it takes writes, restored
into a fresh one and compared; corrupt files and non-empty targets refused, changing nothing."""

import gzip
import hashlib
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from samizdat.portability.backup import MANIFEST
from samizdat.posts.media import store_upload
from samizdat.posts.models import Media, Post
from tests.instances import ROOT, Instance, make_instance, scratch_database, scratch_database_url, wait_for  # noqa: F401

SEED = """
import io
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image
from samizdat.accounts.services import create_user
from samizdat.blogs.services import create_blog
from samizdat.comments.models import Comment
from samizdat.comments.services import import_comment
from samizdat.posts.media import store_upload
from samizdat.posts.models import Post
from samizdat.posts.services import publish_post

anna = create_user("anna", "a long test passphrase 42", email="anna@example.test")
for slug in ("union", "river"):
    blog = create_blog(slug, slug.title() + " News", owner=anna)
    for n in range(3):
        post = publish_post(Post(blog=blog, author=anna, title=f"{slug} post {n}", source=f"Text *{n}* of {slug}."),
                            editor=anna)
buf = io.BytesIO()
Image.new("RGB", (600, 40), (200, 30, 30)).save(buf, "PNG")
store_upload(blog, anna, ContentFile(buf.getvalue(), name="banner.png"), alt="A banner")
import_comment(post, parent=None, author_name="Vera", author_email="vera@example.test", author_url="",
               html="<p>Thank you.</p>", status=Comment.Status.APPROVED, created_at=timezone.now())
"""

# Saves posts until a file appears, counting them in another file: writes during the backup.
WRITER = """
import pathlib, time
from samizdat.accounts.models import User
from samizdat.blogs.models import Blog
from samizdat.posts.models import Post
from samizdat.posts.services import publish_post

data = pathlib.Path({data_dir!r})
anna, blog = User.objects.get(username="anna"), Blog.objects.get(slug="union")
n = 0
while not (data / "stop").exists():
    n += 1
    publish_post(Post(blog=blog, author=anna, title=f"written {{n}}", source=f"During the backup, {{n}}."),
                 editor=anna)
    (data / "written").write_text(str(n))
    time.sleep(0.005)
"""

STATE = """
import json
from samizdat.accounts.models import User
from samizdat.blogs.models import Blog
from samizdat.comments.models import Comment
from samizdat.posts.models import Media, Post

print(json.dumps({
    "counts": {m.__name__: m.objects.count() for m in (User, Blog, Post, Comment, Media)},
    "posts": sorted([p.blog.slug, p.title, p.html] for p in Post.objects.select_related("blog")),
    "comments": sorted(c.html for c in Comment.objects.all()),
    "media": sorted([m.file.name, m.alt, m.renditions] for m in Media.objects.all()),
}))
"""


def _files(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(root).rglob("*")) if p.is_file()}


def _manifest(path):
    with tarfile.open(path, "r:gz") as tar:
        return json.load(tar.extractfile(MANIFEST))


def _run_failing(instance, *args):
    """Run `samizdat ARGS`, which must fail; its stderr."""
    done = subprocess.run([sys.executable, "-m", "samizdat", *args], env=instance.env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0, done.stdout
    return done.stderr


@pytest.fixture
def target_database_url():
    """A second scratch database (PostgreSQL) for the restored instance; "" on SQLite."""
    with scratch_database() as url:
        yield url


def test_backup_of_running_instance_restores_into_fresh_instance_unchanged(make_instance, target_database_url,
                                                                          tmp_path):
    source = make_instance()
    source.python(SEED)
    writer = source.start("shell", "--no-imports", "-c", WRITER.format(data_dir=str(source.data_dir)))
    written = source.data_dir / "written"
    try:
        assert wait_for(written.exists, timeout=30), writer.log_path.read_text()
        backup = tmp_path / "site.tar.gz"
        done = source.run("backup", str(backup))
        assert "Backed up to" in done
    finally:
        (source.data_dir / "stop").touch()
        writer.wait(timeout=30)
    assert writer.returncode == 0, writer.log_path.read_text()

    manifest = _manifest(backup)
    assert manifest["engine"] in {"sqlite", "postgresql"}
    assert "secret_key" not in manifest["sha256"]
    assert backup.stat().st_mode & 0o077 == 0

    # A fresh instance: an empty data directory and database, not even migrated.
    target = Instance(tmp_path / "target", database_url=target_database_url)
    target.data_dir.mkdir()
    assert "Restored" in target.run("restore", str(backup))

    before, restored = json.loads(source.python(STATE)), json.loads(target.python(STATE))
    # The restore is one moment of the source: the seed, and some of the posts written meanwhile.
    assert restored["counts"]["Post"] == manifest["counts"]["posts.Post"]
    assert {k: v for k, v in restored["counts"].items() if k != "Post"} == {
        k: v for k, v in before["counts"].items() if k != "Post"}
    assert restored["counts"]["Post"] >= 6 + 1
    source_posts = {tuple(p) for p in before["posts"]}
    assert {tuple(p) for p in restored["posts"]} <= source_posts
    assert {tuple(p) for p in restored["posts"] if not p[1].startswith("written")} == {
        p for p in source_posts if not p[1].startswith("written")}
    assert restored["comments"] == before["comments"] == ["<p>Thank you.</p>"]
    assert restored["media"] == before["media"]
    assert _files(target.data_dir / "media") == _files(source.data_dir / "media")
    assert len(_files(target.data_dir / "media")) >= 2  # the upload and a rendition
    # The target now has content: a second restore needs --force.
    refused = _run_failing(target, "restore", str(backup))
    assert "not empty" in refused and "--force" in refused
    assert "Restored" in target.run("restore", "--force", str(backup))


@pytest.fixture
def site(transactional_db, make_post, settings):
    post = make_post(title="Kept", source="Kept *as is*.")
    image = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (20, 20), (0, 90, 0)).save(image, "PNG")
    store_upload(post.blog, post.author, ContentFile(image.getvalue(), name="dot.png"))
    return post


def _state(settings):
    return (sorted(Post.objects.values_list("title", "html")), Media.objects.count(), _files(settings.MEDIA_ROOT))


def test_backup_writes_manifest_with_counts_and_checksums(site, tmp_path, settings):
    path = tmp_path / "b.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    manifest = _manifest(path)
    assert manifest["format"] == 1 and manifest["version"]
    assert manifest["counts"]["posts.Post"] == 1 and manifest["counts"]["posts.Media"] == 1
    with tarfile.open(path, "r:gz") as tar:
        for name, digest in manifest["sha256"].items():
            assert hashlib.sha256(tar.extractfile(name).read()).hexdigest() == digest
    media = {n.removeprefix("media/") for n in manifest["sha256"] if n.startswith("media/")}
    assert media == set(_files(settings.MEDIA_ROOT))


def test_backup_with_secret_key_carries_the_instance_keys_only_when_asked(site, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    settings.SAMIZDAT_OIDC_KEY_FILE = tmp_path / "oidc_key.pem"
    (tmp_path / "secret_key").write_text("not so secret")
    (tmp_path / "oidc_key.pem").write_text("-----BEGIN PRIVATE KEY-----\nsigns ID tokens\n")
    call_command("backup", str(tmp_path / "a.tar.gz"), stdout=io.StringIO(), stderr=io.StringIO())
    call_command("backup", str(tmp_path / "b.tar.gz"), "--with-secret-key", stdout=io.StringIO(),
                 stderr=io.StringIO())
    assert not {"secret_key", "oidc_key.pem"} & set(_manifest(tmp_path / "a.tar.gz")["sha256"])
    assert {"secret_key", "oidc_key.pem"} <= set(_manifest(tmp_path / "b.tar.gz")["sha256"])

    # Restored on another machine, apps that sign in with the instance still trust its ID tokens.
    settings.DATA_DIR = tmp_path / "elsewhere"
    settings.SAMIZDAT_OIDC_KEY_FILE = tmp_path / "elsewhere" / "oidc_key.pem"
    err = io.StringIO()
    call_command("restore", str(tmp_path / "b.tar.gz"), "--force", stdout=io.StringIO(), stderr=err)
    assert (tmp_path / "elsewhere/secret_key").read_text() == "not so secret"
    assert (tmp_path / "elsewhere/oidc_key.pem").read_text().endswith("signs ID tokens\n")
    assert (tmp_path / "elsewhere/oidc_key.pem").stat().st_mode & 0o077 == 0
    assert "OpenID Connect signing key" in err.getvalue()


def _tampered(path, out):
    """The same backup with one media file's bytes changed, the gzip and tar still valid."""
    buffer = io.BytesIO()
    with tarfile.open(path, "r:gz") as src, tarfile.open(fileobj=buffer, mode="w") as dst:
        for info in src:
            data = src.extractfile(info).read()
            if info.name.startswith("media/") and info.name.endswith(".png"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.addfile(info, io.BytesIO(data))
    out.write_bytes(gzip.compress(buffer.getvalue()))
    return out


@pytest.mark.parametrize("damage", ["truncated", "flipped", "tampered", "not-a-backup"])
def test_restore_of_corrupt_file_refused_with_nothing_changed(site, tmp_path, settings, damage):
    good = tmp_path / "good.tar.gz"
    call_command("backup", str(good), stdout=io.StringIO(), stderr=io.StringIO())
    data = good.read_bytes()
    bad = tmp_path / "bad.tar.gz"
    if damage == "truncated":
        bad.write_bytes(data[: len(data) * 2 // 3])
    elif damage == "flipped":
        bad.write_bytes(data[:200] + bytes([data[200] ^ 0xFF]) + data[201:])
    elif damage == "tampered":
        _tampered(good, bad)
    else:
        bad.write_bytes(b"<rss>not a backup</rss>")
    Post.objects.create(blog=site.blog, author=site.author, title="After the backup", source="x", html="<p>x</p>")
    before = _state(settings)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(bad), "--force", stdout=io.StringIO(), stderr=io.StringIO())
    message = str(refused.value)
    assert "nothing was changed" in message
    assert {"truncated": "corrupt or truncated", "flipped": "corrupt or truncated",
            "tampered": "checksum differs", "not-a-backup": "corrupt or truncated"}[damage] in message
    assert _state(settings) == before


def test_restore_into_non_empty_instance_refused_without_force(site, tmp_path, settings):
    path = tmp_path / "b.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    Post.objects.create(blog=site.blog, author=site.author, title="After the backup", source="x", html="<p>x</p>")
    before = _state(settings)
    with pytest.raises(CommandError, match="not empty.*--force"):
        call_command("restore", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert _state(settings) == before


def test_restore_refuses_backup_of_another_engine(site, tmp_path, settings):
    from django.db import connection

    path = tmp_path / "b.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    with tarfile.open(path, "r:gz") as src:
        members = [(info, src.extractfile(info).read()) for info in src]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as dst:
        for info, data in members:
            if info.name == MANIFEST:
                manifest = json.loads(data)
                manifest["engine"] = other
                data = json.dumps(manifest).encode()
                info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    path.write_bytes(buffer.getvalue())
    with pytest.raises(CommandError, match=f"backup is of a {other} database"):
        call_command("restore", str(path), "--force", stdout=io.StringIO(), stderr=io.StringIO())

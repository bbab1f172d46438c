"""`samizdat mirror` and `samizdat verify-mirror`: a blog as signed static files with relative links."""

import datetime
import json
import re

import lxml.html
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from samizdat.comments.models import Comment
from samizdat.portability.mirror import MANIFEST, build_mirror
from samizdat.posts.services import save_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def mirrored_blog(make_blog, make_post):
    """A blog with two pages of posts, tags, a page and an approved comment."""
    blog = make_blog("union", title="Union News")
    blog.posts_per_page = 2
    blog.save(update_fields=["posts_per_page"])
    start = timezone.now() - datetime.timedelta(days=10)
    posts = [
        make_post(blog, title=f"Strike day {n}", tags=["strike"] if n % 2 else ["wages"],
                  when=start + datetime.timedelta(days=n))
        for n in range(1, 6)
    ]
    make_post(blog, title="About us", kind="page", when=start)
    Comment.objects.create(
        post=posts[-1], author_name="Vera", body="Solidarity.", html="<p>Solidarity.</p>",
        status=Comment.Status.APPROVED,
    )
    return blog, posts


def mirror(blog, out, capsys):
    call_command("mirror", "--blog", blog.slug, str(out))
    return capsys.readouterr().out


def html_files(out):
    return sorted(p for p in out.rglob("*.html"))


def test_mirror_links_are_relative_and_point_at_files(mirrored_blog, tmp_path, capsys):
    blog, _ = mirrored_blog
    out = tmp_path / "mirror"
    mirror(blog, out, capsys)
    assert (out / "index.html").is_file() and (out / "page/2/index.html").is_file()
    assert (out / "tag/strike/index.html").is_file()
    for path in html_files(out):
        doc = lxml.html.fromstring(path.read_bytes())
        for el, attr, link, _pos in doc.iterlinks():
            if link.startswith("#") or re.match(r"https?://", link):
                continue
            assert not link.startswith("/"), (path, link)
            target = (path.parent / link.split("#")[0]).resolve()
            assert target.is_file(), (path, link)


def test_mirror_pages_carry_the_notice_and_no_forms_or_scripts(mirrored_blog, tmp_path, capsys):
    blog, posts = mirrored_blog
    out = tmp_path / "mirror"
    mirror(blog, out, capsys)
    pages = html_files(out)
    assert len(pages) >= 10
    for path in pages:
        text = path.read_text()
        assert "This is a mirror of Union News; the original is at http" in text, path
        assert "/@union/" in text.split("the original is at", 1)[1][:200]
        assert "<form" not in text and "<script" not in text, path
    post_file = out / posts[-1].get_absolute_url().removeprefix("/@union/") / "index.html"
    assert "Solidarity." in post_file.read_text()


def test_mirror_html_has_no_absolute_url_to_any_host(mirrored_blog, tmp_path, capsys):
    blog, _ = mirrored_blog
    out = tmp_path / "mirror"
    mirror(blog, out, capsys)
    for path in html_files(out):
        doc = lxml.html.fromstring(path.read_bytes())
        for el, attr, link, _pos in doc.iterlinks():
            if el.get("data-address") is not None:
                continue  # the Mirrors page names the blog's real addresses on purpose
            assert not re.match(r"(https?:)?//", link), (path, el.tag, attr, link)


def test_mirror_has_feeds_sitemap_and_stylesheet(mirrored_blog, tmp_path, capsys):
    blog, _ = mirrored_blog
    out = tmp_path / "mirror"
    mirror(blog, out, capsys)
    assert b"<rss" in (out / "feed/index.xml").read_bytes()
    assert b"<feed" in (out / "feed/atom/index.xml").read_bytes()
    assert json.loads((out / "feed.json").read_bytes())["items"]
    assert b"<urlset" in (out / "sitemap.xml").read_bytes()
    assert (out / "static/samizdat/site.css").is_file()


def test_mirror_has_year_and_month_archives_and_the_author(mirrored_blog, tmp_path):
    blog, posts = mirrored_blog
    out = tmp_path / "mirror"
    build_mirror(blog, out)
    day = posts[0].local_date()
    assert (out / f"{day.year}/index.html").is_file()
    assert (out / f"{day.year}/{day.month:02d}/index.html").is_file()
    assert (out / f"author/{posts[0].author.username}/index.html").is_file()


def test_mirror_copies_media_a_post_shows_and_loads_nothing_from_outside(mirrored_blog, make_post, tmp_path):
    blog, _ = mirrored_blog
    default_storage.save("uploads/2026/01/flag.png", ContentFile(b"\x89PNG flag"))
    source = "![flag](/media/uploads/2026/01/flag.png) ![x](https://tracker.example/x.png)"
    post = make_post(blog, title="Flag", source=source)
    out = tmp_path / "mirror"
    build_mirror(blog, out)
    assert (out / "media/uploads/2026/01/flag.png").read_bytes() == b"\x89PNG flag"
    page = (out / post.get_absolute_url().removeprefix("/@union/") / "index.html").read_text()
    assert 'src="../../../../media/uploads/2026/01/flag.png"' in page
    assert not re.search(r'(src|srcset)="[^"]*tracker\.example', page)


def test_mirror_rerun_writes_nothing_when_nothing_changed(mirrored_blog, tmp_path, capsys):
    blog, _ = mirrored_blog
    out = tmp_path / "mirror"
    mirror(blog, out, capsys)
    assert " 0 written," in mirror(blog, out, capsys)


def test_mirror_rerun_rewrites_only_a_changed_post(mirrored_blog, tmp_path):
    blog, posts = mirrored_blog
    out = tmp_path / "mirror"
    first = build_mirror(blog, out)
    post = posts[0]  # the oldest: on page 3 of the home, on its tag and archives, not in the feeds' top
    post.source = "Edited *text*."
    save_post(post, editor=post.author)
    second = build_mirror(blog, out)
    assert 0 < second.written < len(first.files) // 2
    assert second.unchanged + second.written == len(second.files)
    changed = {rel for rel in second.files if first.files.get(rel) != second.files[rel]}
    assert post.get_absolute_url().removeprefix("/@union/") + "index.html" in changed


def test_mirror_removes_files_of_a_deleted_post(mirrored_blog, tmp_path):
    blog, posts = mirrored_blog
    out = tmp_path / "mirror"
    build_mirror(blog, out)
    rel = posts[1].get_absolute_url().removeprefix("/@union/") + "index.html"
    assert (out / rel).is_file()
    posts[1].delete()
    result = build_mirror(blog, out)
    assert result.removed >= 1 and not (out / rel).exists()


def test_mirror_into_a_non_empty_folder_that_is_no_mirror_is_refused(mirrored_blog, tmp_path, capsys):
    blog, _ = mirrored_blog
    out = tmp_path / "photos"
    out.mkdir()
    (out / "holiday.jpg").write_bytes(b"x")
    with pytest.raises(CommandError, match="not empty"):
        mirror(blog, out, capsys)
    assert [p.name for p in out.iterdir()] == ["holiday.jpg"]


def test_mirror_all_writes_a_folder_per_blog(mirrored_blog, make_blog, tmp_path, capsys):
    make_blog("other")
    call_command("mirror", "--all", str(tmp_path / "all"))
    assert (tmp_path / "all/union/index.html").is_file() and (tmp_path / "all/other/index.html").is_file()


def test_verify_mirror_passes_on_an_untouched_copy(mirrored_blog, tmp_path, capsys):
    blog, _ = mirrored_blog
    out = tmp_path / "mirror"
    mirror(blog, out, capsys)
    call_command("verify-mirror", str(out))
    assert "OK:" in capsys.readouterr().out


def _tamper_index(out):
    (out / "index.html").write_text("<p>Fake news</p>")


def _add_file(out):
    (out / "extra.html").write_text("<p>Injected</p>")


def _rehash_without_key(out):
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["files"]["index.html"] = "0" * 64
    (out / MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize("tamper, finding", [
    (_tamper_index, "changed: index.html"),
    (_add_file, "added: extra.html"),
    (_rehash_without_key, "signature:"),  # a manifest re-hashed without the blog's key
])
def test_verify_mirror_names_what_was_tampered_with(mirrored_blog, tmp_path, capsys, tamper, finding):
    blog, _ = mirrored_blog
    out = tmp_path / "mirror"
    mirror(blog, out, capsys)
    tamper(out)
    with pytest.raises(CommandError):
        call_command("verify-mirror", str(out))
    assert finding in capsys.readouterr().out


def test_mirror_carries_the_mirrors_page_with_every_address_and_the_key(mirrored_blog, tmp_path, capsys):
    from samizdat.blogs.services import set_alternate_addresses
    from samizdat.portability.signing import mirror_key_for, public_key_b64

    blog, _ = mirrored_blog
    blog.onion_address = "c" * 56 + ".onion"
    blog.save()
    set_alternate_addresses(blog, ["union-mirror.example.net"], ["https://copies.example.com/union/"])
    out = tmp_path / "mirror"
    mirror(blog, out, capsys)
    html = (out / "mirrors/index.html").read_text()
    assert 'href="mirrors/index.html"' in (out / "index.html").read_text()
    for url in ("http://" + "c" * 56 + ".onion/", "://union-mirror.example.net/", "https://copies.example.com/union/",
                'href="http://127.0.0.1:8000/@union/"'):
        assert url in html
    assert public_key_b64(mirror_key_for(blog)) in html


def test_mirror_of_a_blog_with_its_own_domain_names_that_domain(mirrored_blog, tmp_path, capsys, settings):
    blog, posts = mirrored_blog
    blog.custom_domain = "union.example"
    blog.save(update_fields=["custom_domain"])
    out = tmp_path / "mirror"
    mirror(blog, out, capsys)
    scheme = settings.SITE_URL.split("://")[0]
    for path in html_files(out):
        assert f"This is a mirror of Union News; the original is at {scheme}://union.example/." in path.read_text(), path
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["origin"] == f"{scheme}://union.example/"
    # On its own domain the blog lives at the root: the sitemap names the addresses readers know.
    post_path = posts[-1].get_absolute_url().removeprefix("/@union/")
    assert f"<loc>{scheme}://union.example/{post_path}</loc>" in (out / "sitemap.xml").read_text()
    assert "/@union/" not in (out / "sitemap.xml").read_text()

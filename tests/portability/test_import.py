"""Importing a WordPress export: authors, statuses, media through the HTTP client, old links."""

import http.server
import io
import threading

import pytest
from django.core.management import call_command
from PIL import Image

from samizdat.blogs.models import Blog
from samizdat.comments.models import Comment
from samizdat.comments.services import post_switch_open
from samizdat.portability.wordpress import import_wxr
from samizdat.posts.models import Post

from .conftest import item, wxr


def run(data, slug="union", **kwargs):
    kwargs.setdefault("fetch_media", False)
    return import_wxr(io.BytesIO(data), slug, **kwargs)


def png():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def media_server(settings):
    body = png()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            ok = self.path == "/uploads/cat.png"
            self.send_response(200 if ok else 404)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body) if ok else 0))
            self.end_headers()
            if ok:
                self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def attachment(post_id, url):
    return item(post_id, "Cat", slug=f"cat-{post_id}", post_type="attachment", status="inherit",
                extra=f"<wp:attachment_url>{url}</wp:attachment_url>")


def test_import_creates_blog_from_channel(db):
    blog, _ = run(wxr())
    assert (blog.title, blog.tagline, blog.language) == ("Union News", "Our union's news", "ru")


def test_import_into_existing_blog_keeps_its_settings(make_blog):
    blog = make_blog("union", title="Ours")
    run(wxr(item(1, "Hello", slug="hello")))
    blog.refresh_from_db()
    assert blog.title == "Ours" and Post.objects.filter(blog=blog, slug="hello").exists()


def test_author_mapped_to_existing_user_by_email(make_user):
    user = make_user("anya")
    user.email = "anna@union.example"
    user.save()
    blog, _ = run(wxr(item(1, "Hello", slug="hello")))
    assert Post.objects.get(slug="hello").author == user
    assert blog.memberships.get(user=user).role == "author"


def test_author_unknown_becomes_placeholder_without_password(db):
    run(wxr(item(1, "Hello", slug="hello")))
    author = Post.objects.get(slug="hello").author
    assert author.username == "anna" and not author.has_usable_password()


def test_statuses_map_and_password_protected_kept_private(db):
    protected = item(4, "Secret", slug="secret").replace(
        "<wp:post_password></wp:post_password>", "<wp:post_password>pw</wp:post_password>"
    )
    run(wxr(item(1, "A", slug="a", status="draft"), item(2, "B", slug="b", status="future", date="2099-01-01 00:00:00"),
            item(3, "C", slug="c", status="private"), protected, item(5, "D", slug="d", status="trash")))
    assert dict(Post.objects.values_list("slug", "status")) == {
        "a": "draft", "b": "scheduled", "c": "private", "secret": "private",
    }


def test_page_parent_linked_even_when_child_comes_first(db):
    run(wxr(item(2, "Child", slug="child", post_type="page", parent=1), item(1, "Parent", slug="parent", post_type="page")))
    assert Post.objects.get(slug="child").parent == Post.objects.get(slug="parent")


def test_slug_taken_by_another_post_gets_a_new_one_and_a_note(make_blog, make_post):
    blog = make_blog("union")
    make_post(blog, title="Hello", slug="hello")
    _, summary = run(wxr(item(1, "Hello again", slug="hello")))
    assert Post.objects.filter(blog=blog, slug="hello-2").exists()
    assert any("became “hello-2”" in note for _what, note in summary.notes)


def test_comment_states_and_threads(db):
    comments = "".join(
        f"""<wp:comment><wp:comment_id>{cid}</wp:comment_id><wp:comment_author>R{cid}</wp:comment_author>
        <wp:comment_author_email>r{cid}@example.test</wp:comment_author_email>
        <wp:comment_date_gmt>2024-05-0{cid} 10:00:00</wp:comment_date_gmt>
        <wp:comment_content><![CDATA[Line one
line two]]></wp:comment_content><wp:comment_approved>{state}</wp:comment_approved>
        <wp:comment_type></wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"""
        for cid, state, parent in [(2, "1", 1), (1, "1", 0), (3, "0", 0), (4, "spam", 0), (5, "trash", 2)]
    )
    run(wxr(item(1, "Hello", slug="hello", extra=comments)))
    by_name = {c.author_name: c for c in Comment.objects.all()}
    assert {n: c.status for n, c in by_name.items()} == {
        "R1": "approved", "R2": "approved", "R3": "pending", "R4": "spam", "R5": "trash",
    }
    assert by_name["R5"].parent == by_name["R2"] and by_name["R2"].parent == by_name["R1"]
    assert by_name["R5"].depth == 3 and by_name["R1"].html == "<p>Line one<br>\nline two</p>"


def test_pingbacks_skipped_with_reason(db):
    ping = """<wp:comment><wp:comment_id>9</wp:comment_id><wp:comment_author>Site</wp:comment_author>
    <wp:comment_content>[...] linked [...]</wp:comment_content><wp:comment_approved>1</wp:comment_approved>
    <wp:comment_type>pingback</wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>"""
    _, summary = run(wxr(item(1, "Hello", slug="hello", extra=ping)))
    assert not Comment.objects.exists()
    assert any("pingback comments are not imported" in why for _what, why in summary.skipped)


def test_rerun_updates_changed_post_instead_of_duplicating(db):
    run(wxr(item(1, "Hello", slug="hello", content="Old.")))
    _, summary = run(wxr(item(1, "Hello", slug="hello", content="New.")))
    post = Post.objects.get()
    assert post.html.strip() == "<p>New.</p>" and summary.updated["post"] == 1


def test_media_fetched_through_client_and_featured_and_content_pointed_at_it(db, media_server):
    url = f"{media_server}/uploads/cat.png"
    post = item(1, "Hello", slug="hello", content=f'<img src="{url}" alt="cat">',
                extra="<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>7</wp:meta_value></wp:postmeta>")
    _, summary = run(wxr(post, attachment(7, url)), fetch_media=True)
    hello = Post.objects.get(slug="hello")
    assert hello.featured_image is not None and hello.featured_image.content_type == "image/png"
    assert url not in hello.html and hello.featured_image.file.url in hello.html
    assert summary.media_kept_remote == []


def test_unreachable_media_keeps_original_url_and_is_reported(db, media_server):
    url = f"{media_server}/uploads/missing.png"
    _, summary = run(wxr(attachment(7, url)), fetch_media=True)
    assert summary.media_kept_remote == [(url, f"{url} answered HTTP 404")]


def test_media_on_private_address_not_fetched(db):
    url = "http://127.0.0.1:9/secret.png"
    _, summary = run(wxr(attachment(7, url)), fetch_media=True)
    assert "non-public address" in summary.media_kept_remote[0][1]


def test_old_question_mark_p_link_redirects_to_post(db, client):
    run(wxr(item(41, "Hello", slug="hello")))
    response = client.get("/@union/?p=41")
    assert response.status_code == 301 and response["Location"] == Post.objects.get().get_absolute_url()


def test_old_permalink_redirects_when_the_date_moved_with_the_time_zone(make_blog, client):
    make_blog("union", time_zone="Asia/Almaty")
    run(wxr(item(41, "Hello", slug="hello", date="2024-05-01 22:00:00")))  # 2 May in Almaty
    response = client.get("/@union/2024/05/01/hello/")
    assert response.status_code == 301 and response["Location"] == "/@union/2024/05/02/hello/"


def test_old_link_to_draft_does_not_redirect(db, client):
    run(wxr(item(41, "Hello", slug="hello", status="draft")))
    assert client.get("/@union/?p=41").status_code == 200


def test_command_imports_and_prints_summary(db, write_wxr):
    path = write_wxr(wxr(item(1, "Hello", slug="hello")))
    out, err = io.StringIO(), io.StringIO()
    call_command("import-wxr", str(path), "--blog", "union", "--no-media", stdout=out, stderr=err)
    assert "Imported: 1 author, 1 blog, 1 post" in out.getvalue()
    assert "100%" in err.getvalue() and Blog.objects.filter(slug="union").exists()


def test_import_closes_comments_where_wordpress_had_them_closed(db):
    run(wxr(item(1, "Quiet", slug="quiet", extra="<wp:comment_status>closed</wp:comment_status>"),
            item(2, "Open", slug="open", extra="<wp:comment_status>open</wp:comment_status>")))
    assert [post_switch_open(Post.objects.get(slug=s)) for s in ("quiet", "open")] == [False, True]


NEWS = '<category domain="category" nicename="news"><![CDATA[News]]></category>'
COMMENT = """<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_author>Vera</wp:comment_author>
<wp:comment_date_gmt>2024-05-02 10:00:00</wp:comment_date_gmt><wp:comment_content>Well said {id}</wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"""


def test_post_that_cannot_be_stored_is_skipped_alone_and_the_rest_of_its_batch_kept(db):
    # Out of any integer column's range: the post fails validation after its new category was made.
    bad = item(2, "Bad", slug="bad", extra=NEWS).replace("<wp:menu_order>0<", "<wp:menu_order>99999999999999999999<")
    good = item(3, "Good", slug="good", extra=NEWS + COMMENT.format(id=7, parent=0))
    blog, summary = run(wxr(item(1, "First", slug="first"), bad, good))
    assert set(Post.objects.values_list("slug", flat=True)) == {"first", "good"}
    assert list(Post.objects.get(slug="good").categories.values_list("slug", flat=True)) == ["news"]
    assert list(Comment.objects.values_list("body", flat=True)) == ["<p>Well said 7</p>"]
    assert [what for what, _why in summary.skipped if "Bad" in what]


def test_ids_met_twice_in_one_file_update_instead_of_duplicating(db):
    first = item(1, "First", slug="first", extra=COMMENT.format(id=7, parent=0))
    again = item(1, "First again", slug="first", extra=COMMENT.format(id=7, parent=0) + COMMENT.format(id=8, parent=7))
    run(wxr(first, again))
    post = Post.objects.get()
    assert post.title == "First again"
    assert sorted((c.body, c.parent_id is not None) for c in Comment.objects.all()) == [
        ("<p>Well said 7</p>", False), ("<p>Well said 8</p>", True)]

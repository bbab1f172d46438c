"""The outermost layer of `samizdat serve` answers stored pages without entering Django."""

import gzip
import io
from urllib.parse import unquote

from django.test import Client

from samizdat.pages.wsgi import PageStoreApplication


def django_must_not_be_called(environ, start_response):
    raise AssertionError(f"Django was entered for {environ['PATH_INFO']}")


def call(app, path, **environ):
    """Call `app` as a WSGI server would (PATH_INFO decoded, as bytes in latin-1)."""
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    env = {
        "REQUEST_METHOD": "GET", "PATH_INFO": unquote(path).encode("utf-8").decode("latin-1"), "QUERY_STRING": "",
        "HTTP_HOST": "testserver", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), **environ,
    }
    body = b"".join(app(env, start_response))
    return seen["status"], seen["headers"], body


def test_stored_post_page_is_answered_before_django(open_post):
    url = open_post.get_absolute_url()
    django_page = Client().get(url)
    status, headers, body = call(PageStoreApplication(django_must_not_be_called), url)
    assert status == "200 OK" and body == django_page.content
    assert headers["Content-Security-Policy"] == django_page["Content-Security-Policy"]
    assert headers["Content-Length"] == str(len(body))


def test_fast_layer_answers_gzip_304_and_head(open_post):
    url = open_post.get_absolute_url()
    plain = Client().get(url).content
    app = PageStoreApplication(django_must_not_be_called)
    _, headers, zipped = call(app, url, HTTP_ACCEPT_ENCODING="gzip")
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped) == plain
    status, _, body = call(app, url, HTTP_IF_NONE_MATCH=headers["ETag"], HTTP_ACCEPT_ENCODING="gzip")
    assert status == "304 Not Modified" and body == b""
    status, headers, body = call(app, url, REQUEST_METHOD="HEAD")
    assert status == "200 OK" and body == b"" and headers["Content-Length"] == str(len(plain))


def test_fast_layer_passes_personal_requests_to_django(open_post):
    url = open_post.get_absolute_url()
    Client().get(url)
    calls = []

    def django(environ, start_response):
        calls.append(environ.get("HTTP_COOKIE") or environ.get("QUERY_STRING") or environ["REQUEST_METHOD"])
        start_response("200 OK", [])
        return [b""]

    app = PageStoreApplication(django)
    call(app, url, HTTP_COOKIE="csrftoken=abc")  # the CSRF cookie alone says nothing about the reader
    call(app, url, HTTP_COOKIE="csrftoken=abc; sessionid=xyz")
    call(app, url, HTTP_COOKIE="comment_author=Vera")
    call(app, url, QUERY_STRING="replytocom=3")
    call(app, url, REQUEST_METHOD="POST")
    assert calls == ["csrftoken=abc; sessionid=xyz", "comment_author=Vera", "replytocom=3", "POST"]


def test_fast_layer_answers_a_unicode_address(make_blog, make_post):
    post = make_post(make_blog(), title="Ночная смена", slug="ночная-смена")
    url = post.get_absolute_url()
    django_page = Client().get(url)
    assert call(PageStoreApplication(django_must_not_be_called), url)[2] == django_page.content

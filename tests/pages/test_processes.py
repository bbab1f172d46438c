"""Two `samizdat serve` processes on one data directory: a change made through one reaches the pages
the other answers from its store (each process keeps stored pages in memory while their file stays)."""

import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.comments.conftest import free_port
from tests.instances import make_instance, scratch_database_url, wait_for  # noqa: F401 (fixtures)

SETUP = """
from samizdat.accounts.services import create_user
from samizdat.blogs.services import create_blog
from samizdat.comments.models import CommentSettings
from samizdat.posts.models import Post
from samizdat.posts.services import publish_post
user = create_user("writer", "a long test passphrase 42", email="writer@example.test")
blog = create_blog("news", "News", owner=user)
CommentSettings.objects.create(blog=blog, policy="open", notify_authors=False)
post = publish_post(Post(blog=blog, author=user, title="Open thread", source="Talk here."), editor=user)
print(post.pk, post.get_absolute_url())
"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def read(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return response.read().decode()


@pytest.fixture
def two_servers(make_instance):
    instance = make_instance()
    instance.env.update(SAMIZDAT_COMMENT_MIN_SECONDS="0")
    pk, path = instance.python(SETUP).split()
    bases = []
    for n in range(2):
        port = free_port()
        instance.start("serve", "--port", str(port), "--no-collectstatic", log_name=f"serve{n}.log")
        bases.append(f"http://127.0.0.1:{port}")

    def up(base):
        try:
            return urllib.request.urlopen(base + path, timeout=2).status == 200
        except (urllib.error.URLError, ConnectionError):
            return False

    for base in bases:
        assert wait_for(lambda: up(base), timeout=60), (instance.data_dir / "serve0.log").read_text()
    return bases, int(pk), path


def test_comment_through_one_process_shows_in_the_others_stored_page(two_servers):
    (writer, reader), pk, path = two_servers
    read(reader, path)
    html = read(reader, path)  # from the reader's store, kept in its memory
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({
        "name": "Vera", "email": "vera@example.test", "body": "Written through the other process.",
        "started": started, "homepage": "",
    }).encode()
    request = urllib.request.Request(f"{writer}/@news/comments/{pk}/", data=data)
    try:
        status = urllib.request.build_opener(NoRedirect).open(request, timeout=10).status
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == 303
    assert "Written through the other process." in read(reader, path)

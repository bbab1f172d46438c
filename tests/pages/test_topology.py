"""Several processes, one site: two app servers, two workers on a Redis queue, nginx in front.

The documented topology for more than one process (docs/performance.md): every app server and
worker sees one database (PostgreSQL in CI's second run), one Redis queue and one page store. A
change made through one app server, or by a worker, must reach the pages nginx answers from the
store that another app server filled.
"""

import re

import pytest

from tests.comments.conftest import free_port
from tests.instances import make_instance, redis_url, scratch_database_url, wait_for  # noqa: F401 (fixtures)
from tests.pages.front import OPEN_THREAD, answers, fetch, need_nginx, start_nginx, stop

SCHEDULE = """
import datetime
from django.utils import timezone
from samizdat.accounts.models import User
from samizdat.blogs.models import Blog
from samizdat.posts.models import Post
from samizdat.posts.services import publish_post
post = Post(blog=Blog.objects.get(slug="news"), author=User.objects.get(username="writer"), title="Dawn edition")
publish_post(post, editor=post.author, when=timezone.now() + datetime.timedelta(seconds={seconds}))
"""


@pytest.fixture
def site(make_instance, tmp_path):
    need_nginx()
    instance = make_instance(redis_url=redis_url())
    instance.env.update(SAMIZDAT_SERVE_MEDIA="0", SAMIZDAT_COMMENT_MIN_SECONDS="0")
    pk, path = instance.python(OPEN_THREAD).split()
    writer_port, reader_port = free_port(), free_port()
    instance.start("serve", "--port", str(writer_port), "--no-collectstatic", log_name="writer.log")
    instance.start("serve", "--port", str(reader_port), "--no-collectstatic", log_name="reader.log")
    instance.start("worker", log_name="worker1.log")
    instance.start("worker", "--no-periodic", log_name="worker2.log")
    # Readers come through nginx to the second app server; writers go to the first.
    nginx, base = start_nginx(tmp_path / "nginx", instance.data_dir, reader_port)
    writer = f"http://127.0.0.1:{writer_port}"
    try:
        for url in (writer + path, base + path):
            assert wait_for(lambda: answers(url), timeout=60), (instance.data_dir / "writer.log").read_text()
        yield type("Site", (), dict(base=base, writer=writer, post=path, pk=int(pk), instance=instance))
    finally:
        stop(nginx)


def test_comment_through_one_app_server_reaches_the_page_nginx_serves(site):
    fetch(site.base + site.post)
    html = fetch(site.base + site.post)[2].decode()  # from the store now
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)
    status, _, _ = fetch(f"{site.writer}/@news/comments/{site.pk}/", {
        "name": "Vera", "email": "vera@example.test", "body": "Sent to the other server.", "started": started,
        "homepage": "",
    })
    assert status == 303
    assert "Sent to the other server." in fetch(site.base + site.post)[2].decode()


def test_post_published_by_a_worker_reaches_the_stored_blog_home(site):
    site.instance.python(SCHEDULE.format(seconds=3))
    fetch(site.base + "/@news/"), fetch(site.base + "/@news/feed/")
    assert "Dawn edition" not in fetch(site.base + "/@news/")[2].decode()
    shown = wait_for(lambda: "Dawn edition" in fetch(site.base + "/@news/")[2].decode(), timeout=60)
    assert shown, (site.instance.data_dir / "worker1.log").read_text()[-2000:]
    assert "Dawn edition" in fetch(site.base + "/@news/feed/")[2].decode()

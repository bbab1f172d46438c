"""A static mirror opened from disk (file://) in Chromium: its links work and nothing comes from any host."""

import datetime

import pytest
from django.utils import timezone

from samizdat.portability.mirror import build_mirror

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_mirror_from_disk_follows_home_post_tag_page_two_offline(page, make_blog, make_post, tmp_path):
    blog = make_blog("union", title="Union News")
    blog.posts_per_page = 2
    blog.save(update_fields=["posts_per_page"])
    start = timezone.now() - datetime.timedelta(days=10)
    for n in range(1, 6):
        make_post(blog, title=f"Strike day {n}", tags=["strike"], when=start + datetime.timedelta(days=n))
    out = tmp_path / "mirror"
    build_mirror(blog, out)

    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((out / "index.html").as_uri())
    assert "This is a mirror of Union News" in page.locator(".mirror-notice").inner_text()
    page.get_by_role("link", name="Strike day 5").click()
    assert page.locator("article h1").inner_text() == "Strike day 5"
    assert page.url.startswith("file://") and page.url.endswith("/index.html")
    page.get_by_role("link", name="#strike").click()
    assert "Tag: strike" in page.locator("main").inner_text()
    page.locator("a[rel=next]").click()
    assert page.url.endswith("/tag/strike/page/2/index.html")
    assert "Strike day 2" in page.locator("main").inner_text()
    # The stylesheet came from disk too.
    assert any(url.startswith("file://") and url.endswith("/static/samizdat/site.css") for url in requests)
    assert [url for url in requests if not url.startswith("file://")] == []

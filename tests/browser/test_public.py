"""The public site in a real browser: readable without scripts, no outside requests, light pages."""

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser


def test_post_page_without_scripts_shows_title_body_and_tags(new_context, live_server, site):
    page = new_context(java_script_enabled=False).new_page()
    response = page.goto(live_server.url + site["post"].get_absolute_url())
    assert response.status == 200
    article = page.locator("article")
    assert article.locator("h1").inner_text() == "The port strike ends"
    assert "After nine days, the dockers voted to return." in article.inner_text()
    assert article.locator("strong").inner_text() == "nine days"
    assert sorted(article.locator("a[rel=tag]").all_inner_texts()) == ["#port", "#wages"]


def public_pages(site):
    """(name, path, expected status) of every kind of public page."""
    blog, post = site["blog"], site["post"]
    day = post.local_date()
    return [
        ("front", "/", 200),
        ("blog home", f"/@{blog.slug}/", 200),
        ("post", post.get_absolute_url(), 200),
        ("page", site["page"].get_absolute_url(), 200),
        ("tag", f"/@{blog.slug}/tag/port/", 200),
        ("category", site["category"].get_absolute_url(), 200),
        ("author", f"/@{blog.slug}/author/{site['author'].username}/", 200),
        ("year archive", f"/@{blog.slug}/{day.year}/", 200),
        ("month archive", f"/@{blog.slug}/{day.year}/{day.month:02d}/", 200),
        ("search", f"/@{blog.slug}/search/?q={quote('strike')}", 200),
        ("404", f"/@{blog.slug}/no-such-thing/", 404),
    ]


def test_public_pages_request_nothing_from_other_hosts(page, live_server, site, outside_requests):
    statuses = {}
    for name, path, _ in public_pages(site):
        response = page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        statuses[name] = response.status
    assert statuses == {name: status for name, _, status in public_pages(site)}
    assert outside_requests == []


@pytest.fixture
def report_with_comments(site):
    """A 600-word post with 20 approved comments in threads: the page the issue weighs."""
    from samizdat.comments import services as comments
    from samizdat.comments.models import Policy

    discussion = comments.settings_for(site["blog"])
    discussion.policy, discussion.notify_authors = Policy.OPEN, False
    comments.save_settings(discussion)
    sentence = "Dockers on the night shift counted the idle cranes while the port authority argued. "
    source = "\n\n".join(f"## Part {p}\n\n" + sentence * 8 for p in range(1, 7))
    post = site["post"]
    post.source = source
    from samizdat.posts.services import save_post

    post = save_post(post, editor=post.author)
    parent = None
    for n in range(20):
        submission = comments.Submission(
            body=f"Comment {n}: on my shift the thermometer by bay {n} read 34 degrees by noon, and "
                 "the fountain on the mezzanine is still broken. I will bring it to the branch meeting.",
            name=f"Reader {n % 7}", email=f"reader{n}@example.org", nonce=f"weigh-{n}", elapsed=60.0,
            parent_id=None if n % 5 == 0 else parent,
        )
        parent = comments.submit_comment(post, submission)[0].pk
    assert len(post.source.split()) >= 600
    return post


def test_post_page_html_and_css_weigh_under_30_kb(page, live_server, report_with_comments):
    # The target reader is on a slow, metered connection: a 600-word report with 20 comments, all
    # its text and style, before compression, with no script.
    sizes, scripts = {}, []

    def record(response):
        if response.request.resource_type in {"document", "stylesheet"}:
            sizes[response.url] = len(response.body())
        if response.request.resource_type == "script":
            scripts.append(response.url)

    page.on("response", record)
    page.goto(live_server.url + report_with_comments.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert page.locator(".comment").count() == 20
    assert len(sizes) >= 2, f"expected the page and its stylesheet, got {sorted(sizes)}"
    assert sum(sizes.values()) <= 30 * 1024, sizes
    assert scripts == []


def test_outside_request_check_sees_an_image_from_another_host(new_context, live_server, site):
    # The check above is only worth something if it notices a request elsewhere. Posts no longer
    # show pictures from other hosts and the Content-Security-Policy would refuse one anyway, so
    # this browser ignores the policy and the page is given such a picture by hand.
    from urllib.parse import urlsplit

    page = new_context(bypass_csp=True).new_page()
    seen = []
    ours = urlsplit(live_server.url).netloc
    page.on("request", lambda r: seen.append(r.url) if urlsplit(r.url).netloc != ours else None)
    page.goto(live_server.url + site["post"].get_absolute_url())
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<img src=\"http://images.example.invalid/dog.png\">')"
    )
    page.wait_for_load_state("networkidle")
    assert seen == ["http://images.example.invalid/dog.png"]

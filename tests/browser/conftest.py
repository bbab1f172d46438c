"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Never `playwright install`: the browser is the distribution's /usr/bin/chromium. Without it the
browser tests are skipped locally, and fail in CI (CI=true), where .ci/run installs it.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.instances import unavailable

# Playwright's sync API keeps an asyncio event loop in this thread; Django refuses ORM calls from
# a thread with a running loop unless told that this is deliberate. The live server runs in its
# own thread, and the test code talks to the database between browser steps.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    if not CHROMIUM.exists():
        unavailable(f"the browser tests need Debian's Chromium at {CHROMIUM} (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser):
    """Make browser contexts (fresh cookies, optional settings); closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("locale", "en-GB")
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh context with scripts on."""
    return new_context().new_page()


@pytest.fixture
def outside_requests(page, live_server):
    """URLs `page` requested from any host but the live server's, filled in as it browses."""
    ours = urlsplit(live_server.url).netloc
    seen = []

    def record(request):
        parts = urlsplit(request.url)
        if parts.scheme in {"data", "blob", "about"}:
            return
        if parts.netloc != ours:
            seen.append(request.url)

    page.on("request", record)
    return seen


@pytest.fixture
def site(make_user, make_blog, make_post):
    """A blog with a tagged, categorised post, a long post and a page, by one author."""
    from samizdat.posts.models import Category, Post

    author = make_user("ana", display_name="Ana Petrova")
    blog = make_blog("dockers", title="Dockers' Union", owner=author)
    category = Category.objects.create(blog=blog, name="Strikes", slug="strikes")
    post = make_post(
        blog, title="The port strike ends", tags=["port", "wages"],
        source="After **nine days**, the dockers voted to return.\n\nThe wage offer was accepted.",
    )
    post.categories.set([category])
    paragraph = " ".join(["The union met again on Thursday to count the ballots of every branch."] * 10)
    long_post = make_post(
        blog, title="A long report", source="\n\n".join(f"## Part {n}\n\n{paragraph}" for n in range(1, 31))
    )
    page = make_post(blog, title="About us", kind=Post.Kind.PAGE, source="We organise the port.")
    return dict(author=author, blog=blog, category=category, post=post, long_post=long_post, page=page)


@pytest.fixture
def sign_in(live_server):
    """Sign a page in through the login form, as a reader would."""

    def sign_in(page, username, password):
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    return sign_in

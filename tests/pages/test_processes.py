"""Two `samizdat serve` processes on one data directory: a change made through one reaches the pages
the other answers from its store (each process keeps stored pages in memory while their file stays)."""

import re

import pytest

from tests.instances import make_instance, scratch_database_url, wait_for  # noqa: F401 (fixtures)
from tests.pages.front import OPEN_THREAD, answers, fetch


@pytest.fixture
def two_servers(make_instance):
    instance = make_instance()
    instance.env.update(SAMIZDAT_COMMENT_MIN_SECONDS="0")
    pk, path = instance.python(OPEN_THREAD).split()
    bases = []
    for n in range(2):
        bases.append(instance.serve("--no-collectstatic", log_name=f"serve{n}.log")[1])
    for base in bases:
        assert wait_for(lambda: answers(base + path), timeout=120), (instance.data_dir / "serve0.log").read_text()
    return bases, int(pk), path


def test_comment_through_one_process_shows_in_the_others_stored_page(two_servers):
    (writer, reader), pk, path = two_servers
    fetch(reader + path)
    html = fetch(reader + path)[2].decode()  # from the reader's store, kept in its memory
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)
    status, _, _ = fetch(f"{writer}/@news/comments/{pk}/", {
        "name": "Vera", "email": "vera@example.test", "body": "Written through the other process.",
        "started": started, "homepage": "",
    })
    assert status == 303
    assert "Written through the other process." in fetch(reader + path)[2].decode()

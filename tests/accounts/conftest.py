"""Account fixtures: the real SMTP server and immediate tasks of the comment tests."""

import pytest

from tests.comments.conftest import body_of, immediate_tasks, link_in, smtp  # noqa: F401 (fixtures)


@pytest.fixture
def mail(smtp, immediate_tasks, django_capture_on_commit_callbacks):
    """Run `action()` with the mail it queues sent to the loopback SMTP server; the messages to `to`."""

    def run(action, to, count=1):
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        smtp.wait(count)
        return result, smtp.to(to)

    return run


def path_of(link):
    """The path (and query) of an absolute link."""
    return "/" + link.split("://", 1)[1].split("/", 1)[1]

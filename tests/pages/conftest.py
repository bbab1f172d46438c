import pytest

from samizdat.comments.models import CommentSettings, Policy


@pytest.fixture
def open_post(make_blog, make_post):
    """A live post on a blog that publishes comments at once."""
    blog = make_blog()
    CommentSettings.objects.create(blog=blog, policy=Policy.OPEN)
    return make_post(blog, title="Night shift at the port", source="The dockers *counted* cranes.")

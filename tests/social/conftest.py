import pytest


@pytest.fixture
def post(make_post):
    return make_post(title="The port strike ends")


@pytest.fixture
def reader(make_user):
    return make_user("reader", display_name="Rita Reader")

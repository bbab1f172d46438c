import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 is slow on purpose; these tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def post(make_post):
    return make_post(title="The port strike ends")


@pytest.fixture
def reader(make_user):
    return make_user("reader", display_name="Rita Reader")

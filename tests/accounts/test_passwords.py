"""Passwords are stored with the product's hasher (Argon2), and an older hash is upgraded at sign-in.

The rest of the suite hashes with MD5 for speed (tests/conftest.py); these tests put the product's
own hashers back."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from samizdat.config import settings as product_settings
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _product_hashers(settings):
    settings.PASSWORD_HASHERS = product_settings.PASSWORD_HASHERS


def test_password_is_stored_with_argon2(make_user):
    user = make_user()
    assert user.password.startswith("argon2$argon2id$") and PASSWORD not in user.password
    assert user.check_password(PASSWORD) and not user.check_password("not the passphrase")


def test_older_pbkdf2_hash_signs_in_and_is_upgraded_to_argon2(client, make_user):
    user = make_user()
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")  # set before Argon2, or restored
    user.save(update_fields=["password"])
    response = client.post(reverse("accounts:login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$") and user.check_password(PASSWORD)

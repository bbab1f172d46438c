"""Two-factor sign-in (TOTP and recovery codes, allauth.mfa) and the page of one's sessions."""

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time
from django.test import Client

from tests.conftest import PASSWORD



@pytest.fixture
def vera(make_user):
    user = make_user("vera")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    return user, secret, codes


def current_code(secret):
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def password_step(client):
    response = client.post("/accounts/login/", {"login": "vera", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/authenticate/")
    return response


def test_password_alone_does_not_sign_in_with_two_factor_on(client, vera):
    password_step(client)
    assert "_auth_user_id" not in client.session
    assert client.get("/dashboard/").status_code == 302


def test_the_authenticator_code_completes_sign_in(client, vera):
    user, secret, _codes = vera
    password_step(client)
    client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_recovery_code_completes_sign_in_once(client, vera):
    user, _secret, codes = vera
    password_step(client)
    client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert client.session["_auth_user_id"] == str(user.pk)
    other = Client()
    password_step(other)
    other.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert "_auth_user_id" not in other.session


def test_wrong_codes_are_limited_with_retry_after(client, vera, settings):
    settings.SAMIZDAT_LOGIN_RATE_PER_ACCOUNT = 3
    _user, secret, _codes = vera
    password_step(client)
    for _ in range(3):
        assert client.post("/accounts/2fa/authenticate/", {"code": "000000"}).status_code == 200
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_log_out_everywhere_else_ends_the_other_sessions(make_user):
    make_user("vera")
    laptop, phone = Client(), Client()
    for client in (laptop, phone):
        client.post("/accounts/login/", {"login": "vera", "password": PASSWORD}, HTTP_USER_AGENT="Test browser")
    page = laptop.get("/accounts/sessions/").content.decode()
    assert "Log out everywhere else" in page and "This browser" in page
    laptop.post("/accounts/sessions/")
    assert phone.get("/dashboard/").status_code == 302
    assert laptop.get("/dashboard/").status_code == 200


def test_sessions_page_shows_only_the_network(make_user):
    make_user("vera")
    client = Client()
    client.post("/accounts/login/", {"login": "vera", "password": PASSWORD}, REMOTE_ADDR="203.0.113.77")
    page = client.get("/accounts/sessions/", REMOTE_ADDR="203.0.113.77").content.decode()
    assert "203.0.113.0" in page and "203.0.113.77" not in page


@pytest.mark.parametrize("path, field", [("/accounts/reauthenticate/", "password"),
                                         ("/accounts/2fa/reauthenticate/", "code")])
def test_asking_again_before_a_sensitive_change_is_limited_too(client, vera, settings, path, field):
    # Someone who took over a signed-in browser must not get to guess the password (or code) there.
    settings.SAMIZDAT_LOGIN_RATE_PER_ACCOUNT = 3
    user, secret, _codes = vera
    client.force_login(user)
    for _ in range(3):
        assert client.post(path, {field: "000000"}).status_code == 200
    right = PASSWORD if field == "password" else current_code(secret)
    response = client.post(path, {field: right})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Please wait" in response.content.decode()
    assert client.get(path).status_code == 200  # the page itself still shows

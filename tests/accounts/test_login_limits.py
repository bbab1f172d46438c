"""Sign-in rate limits: per typed username and per client address, counted in the database."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from samizdat.accounts import ratelimit
from samizdat.accounts.models import Attempt
from tests.conftest import PASSWORD

URL = reverse("accounts:login")
WRONG = "not the passphrase"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.SAMIZDAT_LOGIN_RATE_PER_ACCOUNT = 3
    settings.SAMIZDAT_LOGIN_RATE_PER_ADDRESS = 5
    settings.SAMIZDAT_LOGIN_RATE_WINDOW = 600


def sign_in(client, username, password, ip="203.0.113.7"):
    return client.post(URL, {"login": username, "password": password}, REMOTE_ADDR=ip)


def fail(client, username, times, ip="203.0.113.7"):
    for _ in range(times):
        assert sign_in(client, username, WRONG, ip).status_code == 200


def age_attempts(seconds):
    for attempt in Attempt.objects.all():
        attempt.created_at -= datetime.timedelta(seconds=seconds)
        attempt.save(update_fields=["created_at"])


def test_account_failures_refuse_even_the_right_password(client, make_user):
    user = make_user()
    fail(client, user.username, 3)
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert 590 <= int(response["Retry-After"]) <= 600
    assert "_auth_user_id" not in client.session


def test_refusal_keeps_the_username_and_says_why(client, make_user):
    user = make_user()
    fail(client, user.username, 3)
    page = sign_in(client, user.username, PASSWORD).content.decode()
    assert f'value="{user.username}"' in page
    assert "Too many failed sign-in attempts" in page


def test_account_failures_leave_other_accounts_alone(client, make_user):
    victim, other = make_user(), make_user()
    fail(client, victim.username, 3)
    assert sign_in(client, other.username, PASSWORD).status_code == 302


def test_account_limit_holds_from_another_address(client, make_user):
    user = make_user()
    fail(client, user.username, 3, ip="203.0.113.7")
    assert sign_in(client, user.username, PASSWORD, ip="198.51.100.9").status_code == 429


def test_address_failures_refuse_other_usernames(client, make_user):
    user = make_user()
    for n in range(5):
        fail(client, f"guess{n}", 1)
    assert sign_in(client, user.username, PASSWORD).status_code == 429
    assert sign_in(client, user.username, PASSWORD, ip="198.51.100.9").status_code == 302


def test_ipv6_addresses_count_per_64(client, make_user):
    user = make_user()
    for n in range(5):
        fail(client, f"guess{n}", 1, ip=f"2001:db8:1:2::{n + 1}")
    assert sign_in(client, user.username, PASSWORD, ip="2001:db8:1:2:ffff::1").status_code == 429


def test_window_expiry_lets_the_account_in_again(client, make_user):
    user = make_user()
    fail(client, user.username, 3)
    age_attempts(601)
    assert sign_in(client, user.username, PASSWORD).status_code == 302


def test_retry_after_counts_from_the_oldest_failure_in_the_window(db):
    limits = ratelimit.login_limits("someone", "203.0.113.7")
    now = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC)
    for minutes_ago in (8, 5, 1):
        ratelimit.record_failure(
            ratelimit.LOGIN, account=limits[0].key, now=now - datetime.timedelta(minutes=minutes_ago)
        )
    assert ratelimit.retry_after(ratelimit.LOGIN, limits, now=now) == 120
    assert ratelimit.retry_after(ratelimit.LOGIN, limits, now=now + datetime.timedelta(minutes=2)) == 0


def test_success_resets_the_account_count(client, make_user):
    user = make_user()
    fail(client, user.username, 2)
    assert sign_in(client, user.username, PASSWORD).status_code == 302
    client.logout()
    fail(client, user.username, 2)
    assert sign_in(client, user.username, PASSWORD).status_code == 302


def test_success_does_not_reset_the_address_count(client, make_user):
    user = make_user()
    for n in range(4):
        fail(client, f"guess{n}", 1)
    assert sign_in(client, user.username, PASSWORD).status_code == 302
    client.logout()
    fail(client, "guess9", 1)
    assert sign_in(client, user.username, PASSWORD).status_code == 429


def test_unknown_usernames_get_the_same_answer(client, make_user):
    user = make_user()
    fail(client, user.username, 3, ip="203.0.113.7")
    fail(client, "nobody-by-this-name", 3, ip="198.51.100.9")
    Attempt.objects.update(created_at=timezone.now())  # the same start, however slow each hash was
    known = sign_in(client, user.username, WRONG, ip="203.0.113.7")
    unknown = sign_in(client, "nobody-by-this-name", WRONG, ip="198.51.100.9")
    assert known.status_code == unknown.status_code == 429
    assert abs(int(known["Retry-After"]) - int(unknown["Retry-After"])) <= 1
    assert page_without(known, user.username) == page_without(unknown, "nobody-by-this-name")


def page_without(response, username):
    """The page with the typed username and the (per-response) CSRF token blanked out."""
    page = response.content.decode().replace(username, "USERNAME")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_usernames_differing_in_case_share_a_count(client, make_user):
    user = make_user()
    fail(client, user.username.upper(), 3)
    assert sign_in(client, user.username, PASSWORD).status_code == 429


def test_no_raw_address_or_username_is_stored(client, make_user):
    fail(client, "someone-typed-this", 2, ip="203.0.113.77")
    fail(client, "someone-else", 1, ip="2001:db8::77")
    for row in Attempt.objects.values("action", "account", "address"):
        stored = " ".join(row.values())
        assert "203.0.113" not in stored and "2001:db8" not in stored
        assert "someone" not in stored


def test_purge_deletes_attempts_older_than_the_window(client, db):
    fail(client, "someone", 2)
    age_attempts(601)
    fail(client, "someone", 1)
    assert ratelimit.purge_attempts() == 2
    assert Attempt.objects.count() == 1


def test_admin_sign_in_goes_through_the_limited_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?next=/admin/"

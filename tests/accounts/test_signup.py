"""Sign-up as the instance admin chose (closed, by invitation, open), verified by email, limited per address."""

from allauth.account.models import EmailAddress
from django.test import Client

from samizdat.accounts.models import User
from samizdat.blogs.roles import Role
from samizdat.blogs.services import invite
from tests.accounts.conftest import link_in, path_of

PASSWORD = "a long test passphrase 42"


def signup(client, name="nadia", ip="203.0.113.7", **fields):
    data = {"email": f"{name}@example.test", "username": name, "password1": PASSWORD, "password2": PASSWORD}
    data.update(fields)
    return client.post("/accounts/signup/", data, REMOTE_ADDR=ip)


def test_closed_signup_says_so_and_makes_no_account(client, db, settings):
    settings.SAMIZDAT_SIGNUP = "closed"
    response = signup(client)
    assert "does not take new accounts" in response.content.decode()
    assert not User.objects.filter(username="nadia").exists()


def test_invite_only_signup_is_closed_without_an_invitation(client, db, settings):
    settings.SAMIZDAT_SIGNUP = "invite"
    page = client.get("/accounts/signup/").content.decode()
    assert "by invitation" in page
    signup(client)
    assert not User.objects.filter(username="nadia").exists()


def test_an_invitation_link_opens_signup_and_then_the_blog(client, make_blog, settings, mail):
    settings.SAMIZDAT_SIGNUP = "invite"
    blog = make_blog()
    invitation = invite(blog, "nadia@example.test", Role.AUTHOR, invited_by=blog.memberships.first().user)
    link = f"/dashboard/invitations/{invitation.token}/"
    page = client.get(link).content.decode()
    assert "Create an account" in page
    _response, [message] = mail(lambda: signup(client, next=link), "nadia@example.test")
    user = User.objects.get(username="nadia")
    assert not EmailAddress.objects.get(user=user).verified
    confirm = path_of(link_in(message, "/confirm-email/"))
    assert client.post(confirm).status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    client.post("/accounts/login/", {"login": "nadia", "password": PASSWORD})
    assert client.post(link).status_code == 302
    assert blog.memberships.filter(user=user, role=Role.AUTHOR).exists()


def test_open_signup_needs_the_emailed_link_before_signing_in(client, db, settings, mail):
    settings.SAMIZDAT_SIGNUP = "open"
    _response, [message] = mail(lambda: signup(client), "nadia@example.test")
    assert "_auth_user_id" not in client.session
    other = Client()
    refused = other.post("/accounts/login/", {"login": "nadia", "password": PASSWORD})
    assert "_auth_user_id" not in other.session, refused
    other.post(path_of(link_in(message, "/confirm-email/")))
    other.post("/accounts/login/", {"login": "nadia@example.test", "password": PASSWORD})
    assert other.session["_auth_user_id"] == str(User.objects.get(username="nadia").pk)


def test_signup_with_a_taken_address_makes_no_second_account(client, make_user, settings, mail):
    settings.SAMIZDAT_SIGNUP = "open"
    make_user("vera")
    signup(client, name="vera2", email="vera@example.test")
    assert User.objects.filter(email__iexact="vera@example.test").count() == 1


def test_signups_from_one_address_are_limited_with_retry_after(client, db, settings, mail):
    settings.SAMIZDAT_SIGNUP = "open"
    settings.SAMIZDAT_SIGNUP_RATE_PER_HOUR = 2
    for n in range(2):
        signup(client, name=f"robot{n}")
    response = signup(client, name="robot9")
    assert response.status_code == 429
    assert 3590 <= int(response["Retry-After"]) <= 3600
    assert not User.objects.filter(username="robot9").exists()
    assert "Too many requests" in response.content.decode()
    assert 'value="robot9"' in response.content.decode()  # what was typed stays (but the password)
    assert PASSWORD not in response.content.decode()
    assert signup(Client(), name="human", ip="198.51.100.9").status_code == 302

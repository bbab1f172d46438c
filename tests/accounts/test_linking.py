"""Linking without hijacking: when an outside identity may sign in to an existing local account."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.test import RequestFactory

from samizdat.accounts import linking
from samizdat.accounts.adapters import SocialAccountAdapter
from samizdat.accounts.services import create_placeholder_user


@pytest.fixture
def vera(make_user):
    return make_user("vera")  # made by the admin: vera@example.test, verified


def test_verified_on_both_sides_links_to_the_account(vera):
    assert linking.account_for_outside_email("vera@example.test", provider_verified=True, provider_trusted=True) == vera


def test_address_case_does_not_matter(vera):
    assert linking.account_for_outside_email("Vera@Example.TEST", provider_verified=True, provider_trusted=True) == vera


def test_provider_that_did_not_verify_the_address_never_links(vera):
    assert linking.account_for_outside_email("vera@example.test", provider_verified=False, provider_trusted=True) is None


def test_provider_the_admin_does_not_trust_never_links(vera):
    assert linking.account_for_outside_email("vera@example.test", provider_verified=True, provider_trusted=False) is None


def test_unverified_local_address_never_links(make_user):
    user = make_user("nadia")
    EmailAddress.objects.filter(user=user).update(verified=False)
    assert linking.account_for_outside_email("nadia@example.test", provider_verified=True, provider_trusted=True) is None


def test_imported_author_with_an_address_from_a_file_never_links(db):
    create_placeholder_user("imported", email="boss@example.test")
    assert linking.account_for_outside_email("boss@example.test", provider_verified=True, provider_trusted=True) is None


def test_deactivated_account_never_links(vera):
    vera.is_active = False
    vera.save()
    assert linking.account_for_outside_email("vera@example.test", provider_verified=True, provider_trusted=True) is None


def test_an_address_anyone_has_may_not_be_claimed_by_a_new_account(vera, db):
    create_placeholder_user("imported", email="boss@example.test")
    assert not linking.email_may_be_claimed("vera@example.test")
    assert not linking.email_may_be_claimed("BOSS@example.test")
    assert linking.email_may_be_claimed("new@example.test")


def outside_login(email, verified, *, trusted=True):
    """A SocialLogin as allauth builds it after a round trip, for a provider with the given settings."""
    from allauth.socialaccount.models import SocialApp

    app = SocialApp(provider="openid_connect", provider_id="idp", name="IdP", client_id="x",
                    settings={"server_url": "https://idp.example", **({} if trusted else {"verified_email": False})})
    request = RequestFactory().get("/")
    provider = app.get_provider(request)
    login = SocialLogin(account=SocialAccount(provider="idp", uid="u1"), email_addresses=[
        EmailAddress(email=email, verified=verified, primary=True)])
    login.account.get_provider = lambda request=None: provider
    return login


def test_adapter_signs_a_verified_outside_address_in_to_its_verified_account(vera):
    found = SocialAccountAdapter(None).authenticate_by_email(outside_login("vera@example.test", True))
    assert found == (vera, "vera@example.test")


def test_adapter_refuses_an_unverified_outside_address(vera):
    assert SocialAccountAdapter(None).authenticate_by_email(outside_login("vera@example.test", False)) is None


def test_adapter_refuses_a_provider_set_not_to_verify(vera):
    login = outside_login("vera@example.test", True, trusted=False)
    assert SocialAccountAdapter(None).authenticate_by_email(login) is None


def test_new_outside_account_does_not_take_someone_elses_address(vera):
    adapter = SocialAccountAdapter(None)
    login = outside_login("vera@example.test", False)
    login.user = adapter.new_user(None, login)
    user = adapter.populate_user(RequestFactory().get("/"), login, {"email": "vera@example.test", "name": "Not Vera"})
    assert user.email == "" and user.display_name == "Not Vera"

"""The signing key (made once, kept, owner-only) and client registration from the command line."""

import stat
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from samizdat.provider import services
from samizdat.provider.models import IndieAuthCode

from tests.instances import make_instance, scratch_database_url  # noqa: F401  (fixtures)

KID = (
    "from oauth2_provider.utils import jwk_from_pem; from django.conf import settings; "
    "print(jwk_from_pem(str(settings.OAUTH2_PROVIDER['OIDC_RSA_PRIVATE_KEY'])).thumbprint())"
)


def test_signing_key_is_made_once_and_survives_restarts(make_instance):
    instance = make_instance(sqlite=True)
    key_file = instance.data_dir / "oidc_key.pem"
    assert not key_file.exists()  # nothing signed yet: no key made
    first = instance.python(KID)
    assert key_file.exists() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert instance.python(KID) == first  # a new process, the same key


def test_oidc_client_add_prints_an_id_and_a_secret_that_work(db, capsys):
    call_command("oidc-client", "add", "Instance B", "--redirect-uri", "http://b.test/accounts/oidc/a/login/callback/")
    out = capsys.readouterr().out
    client_id = out.split("client_id: ")[1].split()[0]
    secret = out.split("client_secret: ")[1].split()[0]
    application = Application.objects.get(client_id=client_id)
    assert application.name == "Instance B" and application.algorithm == Application.RS256_ALGORITHM
    assert application.client_type == Application.CLIENT_CONFIDENTIAL
    assert application.client_secret != secret  # only a hash is kept
    assert check_password(secret, application.client_secret)


def test_oidc_client_add_public_has_no_secret(db, capsys):
    call_command("oidc-client", "add", "Phone", "--public", "--redirect-uri", "http://127.0.0.1:8123/cb")
    out = capsys.readouterr().out
    assert "client_id: " in out and "client_secret" not in out


def test_oidc_client_add_refuses_a_bad_redirect_uri(db):
    with pytest.raises(CommandError):
        call_command("oidc-client", "add", "Bad", "--redirect-uri", "not a url")
    assert not Application.objects.exists()


def test_oidc_client_list_and_remove(db, capsys):
    call_command("oidc-client", "add", "Instance B", "--redirect-uri", "https://b.test/cb")
    client_id = capsys.readouterr().out.split("client_id: ")[1].split()[0]
    call_command("oidc-client", "list")
    assert client_id in capsys.readouterr().out
    call_command("oidc-client", "remove", client_id)
    assert not Application.objects.filter(client_id=client_id).exists()
    with pytest.raises(CommandError):
        call_command("oidc-client", "remove", client_id)


def test_purge_forgets_expired_codes_and_tokens(make_user, oidc_client):
    user = make_user()
    long_ago = timezone.now() - timedelta(days=2)
    IndieAuthCode.objects.create(digest="a" * 64, user=user, client_id="https://c.test/", redirect_uri="https://c.test/cb",
                                 me="https://x.test/", code_challenge="x", expires_at=long_ago)
    AccessToken.objects.create(user=user, application=oidc_client.application, token="old", expires=long_ago)
    fresh = AccessToken.objects.create(user=user, application=oidc_client.application, token="new",
                                       expires=timezone.now() + timedelta(hours=1))
    services.purge_expired()
    assert not IndieAuthCode.objects.exists()
    assert list(AccessToken.objects.all()) == [fresh]

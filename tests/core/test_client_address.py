"""samizdat.core.clients: which address a request comes from, with and without trusted front servers."""

import pytest
from django.test import RequestFactory

from samizdat.core.clients import client_address


def address(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


def test_without_trusted_proxies_the_connection_is_the_client(settings):
    settings.SAMIZDAT_TRUSTED_PROXIES = []
    assert address("127.0.0.1", "203.0.113.5") == "127.0.0.1"


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    ("127.0.0.1", "203.0.113.5", "203.0.113.5"),                       # nginx on the same machine
    ("127.0.0.1", "198.51.100.1, 203.0.113.5", "203.0.113.5"),         # the client's own claim is skipped
    ("127.0.0.1", "203.0.113.5, 10.0.0.7", "203.0.113.5"),             # through two front servers of ours
    ("192.0.2.9", "203.0.113.5", "192.0.2.9"),                         # not a proxy of ours: not believed
    ("127.0.0.1", "", "127.0.0.1"),                                    # the front server asking for itself
    ("127.0.0.1", "not-an-address", "127.0.0.1"),
    ("127.0.0.1", "2001:db8::5", "2001:db8::5"),
    ("127.0.0.1", "::ffff:203.0.113.5", "203.0.113.5"),
])
def test_a_trusted_front_server_names_the_client(settings, remote, forwarded, expected):
    settings.SAMIZDAT_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert address(remote, forwarded) == expected


def test_a_mistyped_trusted_proxy_says_which_setting(settings):
    settings.SAMIZDAT_TRUSTED_PROXIES = ["127.0.0.300"]
    with pytest.raises(ValueError, match="SAMIZDAT_TRUSTED_PROXIES"):
        address("127.0.0.1", "203.0.113.5")

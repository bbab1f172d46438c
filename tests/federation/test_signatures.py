"""HTTP Signatures: both schemes verify what they sign and refuse what was changed."""

import datetime

import pytest

from samizdat.federation import signatures

from .conftest import _pair

URL = "https://blog.example/inbox"
BODY = b'{"type": "Follow"}'


@pytest.fixture(scope="module")
def pair():
    return _pair()


def signed(pair, style, *, body=BODY, method="POST"):
    key, _pem = pair
    message = signatures.Message(method, URL, {"Host": "blog.example", "Content-Type": "application/activity+json"}, body)
    return signatures.sign(message, style=style, key_id="https://peer.example/u#key", private_key=key)


def lookup_for(pem):
    return lambda key_id, refresh: pem


@pytest.mark.parametrize("style", [signatures.CAVAGE, signatures.RFC9421])
def test_signed_request_verifies(pair, style):
    assert signatures.verify(signed(pair, style), lookup_for(pair[1])) == "https://peer.example/u#key"


@pytest.mark.parametrize("style", [signatures.CAVAGE, signatures.RFC9421])
def test_signed_get_verifies(pair, style):
    assert signatures.verify(signed(pair, style, method="GET", body=b""), lookup_for(pair[1]))


@pytest.mark.parametrize("style", [signatures.CAVAGE, signatures.RFC9421])
def test_changed_body_is_refused(pair, style):
    message = signed(pair, style)
    message.body = b'{"type": "Delete"}'
    with pytest.raises(signatures.SignatureError):
        signatures.verify(message, lookup_for(pair[1]))


@pytest.mark.parametrize("style", [signatures.CAVAGE, signatures.RFC9421])
def test_other_key_is_refused(pair, style):
    other = _pair()
    with pytest.raises(signatures.SignatureError):
        signatures.verify(signed(pair, style), lookup_for(other[1]))


def test_unsigned_request_is_refused(pair):
    message = signatures.Message("POST", URL, {"Host": "blog.example"}, BODY)
    with pytest.raises(signatures.SignatureError, match="not signed"):
        signatures.verify(message, lookup_for(pair[1]))


def test_old_date_is_refused(pair):
    key, pem = pair
    message = signatures.Message("POST", URL, {"Host": "blog.example"}, BODY)
    message.headers["Date"] = signatures.http_date(
        datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
    )
    signatures.sign(message, style=signatures.CAVAGE, key_id="k", private_key=key)
    with pytest.raises(signatures.SignatureError, match="too far"):
        signatures.verify(message, lookup_for(pem))


def test_hs2019_as_mastodon_sends_it_verifies(pair):
    message = signed(pair, signatures.CAVAGE)
    message.headers["Signature"] = message.headers["Signature"].replace('algorithm="rsa-sha256"', 'algorithm="hs2019"')
    assert signatures.verify(message, lookup_for(pair[1]))


def test_digest_not_covered_is_refused(pair):
    message = signed(pair, signatures.CAVAGE)
    message.headers["Signature"] = message.headers["Signature"].replace(" digest", "")
    with pytest.raises(signatures.SignatureError):
        signatures.verify(message, lookup_for(pair[1]))


def test_rotated_key_is_fetched_again_once(pair):
    old = _pair()
    asked = []

    def lookup(key_id, refresh):
        asked.append(refresh)
        return pair[1] if refresh else old[1]

    assert signatures.verify(signed(pair, signatures.CAVAGE), lookup)
    assert asked == [False, True]

"""HTTP Signatures: the one module that signs our requests and verifies other servers' ones.

Two schemes are spoken, because the fediverse speaks both:

- RFC 9421 (HTTP Message Signatures), through the `http-message-signatures` library, with the
  body's Content-Digest (RFC 9530) covered; Mastodon 4.4+ accepts it.
- draft-cavage-http-signatures-12, what Mastodon, Pleroma, Misskey, GoToSocial and bovine send:
  `Signature: keyId=…,algorithm=…,headers="(request-target) host date digest",signature=…`, with
  `rsa-sha256` or `hs2019` (which, for an RSA key, every server computes as RSASSA-PKCS1-v1_5
  with SHA-256), and the body's `Digest: SHA-256=…`. Small enough to write here with
  `cryptography`, which the library does not do.

`verify` answers which key signed a request (its id) or raises `SignatureError`; the caller checks
that the key belongs to the activity's actor. Public keys come from `lookup(key_id, refresh)`, which
the caller backs with its cache and the network.
"""

import base64
import dataclasses
import datetime
import email.utils
import hashlib
from urllib.parse import urlsplit

import http_sf
from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageSignaturesException,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    InvalidSignature,
    algorithms,
)
from http_message_signatures.structures import CaseInsensitiveDict

# A signature's Date (or `created`) may be this far from our clock, either way. Mastodon allows
# 12 hours in the past; we keep it short, since a replayed request is what the window limits.
MAX_SKEW = datetime.timedelta(minutes=5)
RFC9421 = "rfc9421"
CAVAGE = "cavage"


class SignatureError(Exception):
    """The request is unsigned, or its signature, digest or date does not hold."""


@dataclasses.dataclass
class Message:
    """An HTTP request as the signature schemes see it."""

    method: str
    url: str
    headers: CaseInsensitiveDict
    body: bytes = b""

    def __post_init__(self):
        self.headers = CaseInsensitiveDict(self.headers)


def _load_public(pem):
    try:
        key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    except (ValueError, TypeError) as exc:
        raise SignatureError(f"the public key cannot be read: {exc}") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("only RSA keys are accepted")
    return key


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


# Signing


def sha256_digest(body):
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def http_date(when=None):
    return email.utils.format_datetime(when or _now(), usegmt=True)


def sign_cavage(message, *, key_id, private_key):
    """Add Date, Digest (with a body) and a draft-cavage rsa-sha256 Signature header to `message`."""
    headers = message.headers
    headers.setdefault("Date", http_date())
    names = ["(request-target)", "host", "date"]
    if message.method.upper() == "POST":
        headers["Digest"] = sha256_digest(message.body or b"")
        names.append("digest")
        if "Content-Type" in headers:
            names.append("content-type")
    signed = _cavage_string(message, names, {})
    signature = private_key.sign(signed, padding.PKCS1v15(), hashes.SHA256())
    headers["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )
    return message


class _OneKey(HTTPSignatureKeyResolver):
    def __init__(self, private_key=None, public_key=None):
        self.private_key, self.public_key = private_key, public_key

    def resolve_private_key(self, key_id):
        return self.private_key

    def resolve_public_key(self, key_id):
        return self.public_key


def sign_rfc9421(message, *, key_id, private_key):
    """Add an RFC 9421 signature (rsa-v1_5-sha256) over method, target URI, and the body's digest."""
    message.headers.setdefault("Date", http_date())
    covered = ["@method", "@target-uri"]
    body = None
    if message.method.upper() == "POST":
        body = message.body or b""
        covered.append("content-digest")
    signer = HTTPMessageSigner(signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=_OneKey(private_key))
    signer.sign(message, key_id=key_id, covered_component_ids=covered, body=body, label="sig1")
    return message


def sign(message, *, style, key_id, private_key):
    """Sign `message` in the given style (RFC9421 or CAVAGE)."""
    if style == CAVAGE:
        return sign_cavage(message, key_id=key_id, private_key=private_key)
    return sign_rfc9421(message, key_id=key_id, private_key=private_key)


# Verifying


def verify(message, lookup):
    """The id of the key that validly signed `message`; SignatureError otherwise.

    A failed check is tried once more with the key fetched afresh (`lookup(key_id, refresh=True)`):
    the actor may have rotated its key since we cached it.
    """
    if "Signature-Input" in message.headers:
        check = _verify_rfc9421
        key_id = _rfc9421_key_id(message)
    elif "Signature" in message.headers:
        check = _verify_cavage
        key_id = _cavage_params(message.headers["Signature"]).get("keyid", "")
    else:
        raise SignatureError("the request is not signed")
    if not key_id:
        raise SignatureError("the signature names no key")
    try:
        check(message, key_id, _load_public(lookup(key_id, refresh=False)))
    except SignatureError as first:
        fresh = lookup(key_id, refresh=True)
        if not fresh:
            raise first
        check(message, key_id, _load_public(fresh))
    return key_id


def _check_time(when, what):
    if abs(_now() - when) > MAX_SKEW:
        raise SignatureError(f"the {what} is too far from our clock ({when.isoformat()})")


def _cavage_params(header):
    params = {}
    for part in _split_params(header):
        name, _, value = part.partition("=")
        value = value.strip()
        if value.startswith('"') and value.endswith('"'):
            value = value[1:-1]
        params[name.strip().lower()] = value
    return params


def _split_params(header):
    """Split `a="x,y",b=1` at the commas outside quotes."""
    parts, current, quoted = [], "", False
    for char in header:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _cavage_string(message, names, params):
    url = urlsplit(message.url)
    target = url.path + (f"?{url.query}" if url.query else "")
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {message.method.lower()} {target}")
        elif name in ("(created)", "(expires)"):
            value = params.get(name[1:-1])
            if not value:
                raise SignatureError(f"the signature covers {name} but has no such parameter")
            lines.append(f"{name}: {value}")
        else:
            value = message.headers.get(name)
            if value is None:
                raise SignatureError(f"the signed header {name} is missing")
            lines.append(f"{name}: {value}")
    return "\n".join(lines).encode()


def _verify_cavage(message, key_id, public_key):
    params = _cavage_params(message.headers["Signature"])
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in ("rsa-sha256", "hs2019"):
        raise SignatureError(f"unsupported signature algorithm {algorithm}")
    names = params.get("headers", "date").lower().split()
    if "(request-target)" not in names:
        raise SignatureError("the signature must cover (request-target)")
    if "date" in names:
        try:
            _check_time(email.utils.parsedate_to_datetime(message.headers["Date"]), "Date header")
        except (KeyError, TypeError, ValueError) as exc:
            raise SignatureError("the Date header is missing or unreadable") from exc
    elif "(created)" in names:
        try:
            _check_time(datetime.datetime.fromtimestamp(int(params["created"]), datetime.timezone.utc), "created time")
        except (KeyError, ValueError, OverflowError) as exc:
            raise SignatureError("the created parameter is missing or unreadable") from exc
    else:
        raise SignatureError("the signature must cover the Date header or (created)")
    if message.method.upper() == "POST":
        if "digest" not in names:
            raise SignatureError("a POST signature must cover the Digest header")
        _check_digest(message)
    try:
        signature = base64.b64decode(params.get("signature", ""), validate=True)
    except ValueError as exc:
        raise SignatureError("the signature is not base64") from exc
    try:
        public_key.verify(signature, _cavage_string(message, names, params), padding.PKCS1v15(), hashes.SHA256())
    except CryptoInvalidSignature as exc:
        raise SignatureError("the signature does not match") from exc


def _check_digest(message):
    header = message.headers.get("Digest", "")
    digests = {}
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        digests[name.strip().lower()] = value.strip()
    if "sha-256" not in digests:
        raise SignatureError("the request has no SHA-256 Digest header")
    if digests["sha-256"] != sha256_digest(message.body)[len("SHA-256="):]:
        raise SignatureError("the Digest header does not match the body")


def _rfc9421_key_id(message):
    try:
        inputs = http_sf.parse(message.headers["Signature-Input"].encode(), tltype="dictionary")
        # One signature is what servers send; with several, the first is checked.
        _label, (_components, params) = next(iter(inputs.items()))
        return str(params.get("keyid", ""))
    except Exception as exc:
        raise SignatureError(f"the Signature-Input header cannot be read: {exc}") from exc


def _verify_rfc9421(message, key_id, public_key):
    verifier = HTTPMessageVerifier(
        signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=_OneKey(public_key=public_key)
    )
    verifier.max_clock_skew = MAX_SKEW
    is_post = message.method.upper() == "POST"
    try:
        results = verifier.verify(
            message, max_age=MAX_SKEW,
            require_components=("@method", "@target-uri", *(("content-digest",) if is_post else ())),
            body=message.body if is_post else None,
        )
    except (InvalidSignature, HTTPMessageSignaturesException) as exc:
        raise SignatureError(f"the signature does not hold: {exc}") from exc
    if str(results[0].parameters.get("keyid")) != key_id:
        raise SignatureError("the signature was checked with another key")

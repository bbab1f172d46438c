"""Making, checking and revoking personal access tokens and application passwords."""

import datetime
import hashlib
import secrets
import string

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ALL_SCOPES, Token

TOKEN_PREFIX = "smz_"
APP_PASSWORD_ALPHABET = string.ascii_letters + string.digits
# last_used_at is written at most this often, so reading the API does not write on every call.
TOUCH_INTERVAL = datetime.timedelta(minutes=5)


def _digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_app_password(password):
    # WordPress shows application passwords in groups of four and accepts them with or without
    # the spaces (wp-includes/user.php, wp_authenticate_application_password); so do we.
    return "".join(password.split())


def create_token(user, *, name, scopes, kind=Token.Kind.PERSONAL):
    """Make a credential for `user`; returns (token, secret). The secret is shown once, never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give it a name, so you know later what uses it.")})
    scopes = [s for s in ALL_SCOPES if s in set(scopes)]
    if not scopes:
        raise ValidationError({"scopes": _("Choose at least one thing it may do.")})
    if kind == Token.Kind.APP_PASSWORD:
        raw = "".join(secrets.choice(APP_PASSWORD_ALPHABET) for _ in range(24))
        secret = " ".join(raw[i : i + 4] for i in range(0, 24, 4))
    else:
        raw = secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = Token.objects.create(
        user=user, kind=kind, name=name[:100], scopes=scopes, digest=_digest(raw), hint=raw[-4:]
    )
    return token, secret


def revoke_token(token):
    """Revoke a credential for good: the row goes, so the secret opens nothing any more."""
    token.delete()


def _touch(token):
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_INTERVAL:
        Token.objects.filter(pk=token.pk).update(last_used_at=now)


def check_personal_token(secret):
    """The personal access token with this secret (of an active user), or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        Token.objects.select_related("user")
        .filter(digest=_digest(secret), kind=Token.Kind.PERSONAL, user__is_active=True)
        .first()
    )
    if token is not None:
        _touch(token)
    return token


def check_app_password(username, password):
    """The application password of the user `username` (or their email) with this secret, or None."""
    raw = normalise_app_password(password)
    if len(raw) != 24:
        return None
    token = (
        Token.objects.select_related("user")
        .filter(digest=_digest(raw), kind=Token.Kind.APP_PASSWORD, user__is_active=True)
        .first()
    )
    if token is None or not username or username not in (token.user.username, token.user.email):
        return None
    _touch(token)
    return token


def tokens_data_of(user):
    """The account's API tokens and application passwords, for its download: names, never secrets."""
    return {"api_tokens": [
        {"name": t.name, "kind": t.kind, "scopes": t.scopes, "created_at": t.created_at.isoformat(),
         "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None}
        for t in Token.objects.filter(user=user).order_by("created_at")
    ]}

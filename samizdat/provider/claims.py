"""What this instance says about a person to the applications they sign in to."""

from django.apps import apps
from django.urls import reverse

from samizdat.social.models import Avatar


def verified_email(user):
    """The user's email address if they confirmed it (allauth's primary verified address), else None.

    An unconfirmed address is never handed out: a relying party may trust it to link accounts.
    """
    if not user.email or not apps.is_installed("allauth.account"):
        return None
    email_address = apps.get_model("account", "EmailAddress")
    return (
        email_address.objects.filter(user=user, verified=True)
        .order_by("-primary")
        .values_list("email", flat=True)
        .first()
    )


def picture_url(user, origin):
    """The person's avatar on our own host: their uploaded picture, else their identicon."""
    avatar = Avatar.objects.filter(user=user).first()
    if avatar is not None and avatar.image:
        return origin + avatar.image.url
    return origin + reverse("provider:picture", kwargs={"user_id": user.pk})


def profile_url(user, origin):
    return origin + reverse("social:profile", kwargs={"username": user.username})


def user_claims(user, origin):
    """Standard claims (sub is added by DOT); the validator keeps those the granted scopes allow."""
    data = {
        "preferred_username": user.username,
        "name": user.name,
        "profile": profile_url(user, origin),
        "picture": picture_url(user, origin),
    }
    email = verified_email(user)
    if email:
        data["email"] = email
        data["email_verified"] = True
    return data

"""What the provider keeps beside django-oauth-toolkit's tables: consents and IndieAuth grants."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Consent(models.Model):
    """A person's yes to an application for some scopes, so the consent screen is asked once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oauth_consents")
    application = models.ForeignKey(settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE, related_name="consents")
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        constraints = [
            models.UniqueConstraint(fields=["user", "application"], name="consent_user_application_uniq"),
        ]

    def __str__(self):
        return f"{self.user} → {self.application}"


class IndieAuthCode(models.Model):
    """An IndieAuth authorization code (W3C IndieAuth §5.2): only its SHA-256 is kept; used once."""

    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client_id = models.URLField(max_length=2000)
    redirect_uri = models.URLField(max_length=2000)
    me = models.URLField(max_length=2000)
    scope = models.TextField(blank=True)
    code_challenge = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class IndieAuthToken(models.Model):
    """The profile URL (`me`) an IndieAuth access token speaks for; the token itself is DOT's."""

    access_token = models.OneToOneField(
        settings.OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL, on_delete=models.CASCADE, related_name="indieauth")
    me = models.URLField(max_length=2000)
    client_id = models.URLField(max_length=2000)
    # The code it was issued for, so a replayed code revokes it.
    code_digest = models.CharField(max_length=64, db_index=True)

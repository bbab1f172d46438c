from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samizdat.core.models import OutgoingEmailBase


class User(AbstractUser):
    """A person with a local account: writer, member of blogs, or signed-in reader."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    bio = models.TextField(_("bio"), blank=True)
    # The language of the pages outside any blog (dashboard, account pages) for this person; empty:
    # the browser's. Each language in its own name, so a person who reads only that one finds it.
    language = models.CharField(
        _("interface language"), max_length=8, blank=True,
        choices=[("", _("The language your browser asks for")), ("en", "English"), ("ru", "Русский"), ("kk", "Қазақша")],
    )

    @property
    def name(self):
        return self.display_name or self.get_full_name() or self.username


class Attempt(models.Model):
    """One refused try at a rate-limited action (sign-in now), counted by samizdat.accounts.ratelimit.

    Neither the typed username nor the client's address is stored: only keyed hashes (HMAC with
    SECRET_KEY), and rows are deleted once older than the longest window (purge_attempts_task).
    """

    action = models.CharField(max_length=32)
    account = models.CharField(max_length=64, blank=True)
    address = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["action", "account", "created_at"], name="attempt_account_idx"),
            models.Index(fields=["action", "address", "created_at"], name="attempt_address_idx"),
            models.Index(fields=["created_at"], name="attempt_created_idx"),
        ]


class AccountEmail(OutgoingEmailBase):
    """An account email to one address (verification, password reset, two-factor notices), rendered
    in the request in the reader's language and kept until the worker has sent it
    (samizdat.accounts.mail). Its body, which may hold a secret link, is wiped once it is done with."""

    to = models.EmailField(max_length=254)
    from_email = models.CharField(max_length=254)
    subject = models.CharField(max_length=998)
    body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)

    FORGET_WHEN_DONE = {"body": ""}

    class Meta:
        # Small: only the emails still to send.
        indexes = [models.Index(fields=["next_attempt_at"], condition=models.Q(state="pending"),
                                name="account_email_due")]

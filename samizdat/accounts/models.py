from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with a local account: writer, member of blogs, or signed-in reader."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    bio = models.TextField(_("bio"), blank=True)

    @property
    def name(self):
        return self.display_name or self.get_full_name() or self.username

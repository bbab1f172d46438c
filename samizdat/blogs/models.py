import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import CAPABILITIES, Role

RESERVED_SLUGS = {"dashboard", "accounts", "admin", "static", "media", "feed", "api", "inbox"}

validate_blog_slug = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9_-]{0,48}[a-z0-9])?$",
    _("Use 1 to 50 lower-case letters, digits, hyphens or underscores."),
)


def new_fragments_token():
    return secrets.token_hex(12)


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(tz)s” is not a time zone we know, e.g. Europe/Berlin."), params={"tz": value})


def validate_not_reserved(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(_("“%(slug)s” is reserved."), params={"slug": value})


# A v3 onion service name (rend-spec-v3, section 6): 56 base32 characters then ".onion".
validate_onion_address = RegexValidator(
    r"^[a-z2-7]{56}\.onion$",
    _("Enter a version 3 onion name: 56 letters and digits followed by .onion, without http://."),
)


class Blog(models.Model):
    """One publication on the instance, reached at /@<slug>/."""

    slug = models.CharField(
        _("address"), max_length=50, unique=True, validators=[validate_blog_slug, validate_not_reserved]
    )
    title = models.CharField(_("title"), max_length=200)
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_time_zone])
    custom_domain = models.CharField(
        _("custom domain"), max_length=253, blank=True, null=True, unique=True,
        help_text=_("Optional, for example news.example.org. Point its DNS at this server first."),
    )
    # Where readers reach the blog when its main address is blocked: a Tor onion service that
    # forwards to this instance. Kept on the blog itself (not in MirrorDomain) because every page
    # of the blog sends it in an Onion-Location header, and that must cost no query.
    onion_address = models.CharField(
        _("onion address"), max_length=62, blank=True, null=True, unique=True,
        validators=[validate_onion_address],
        help_text=_("Optional: the .onion name of a Tor onion service that forwards to this server."),
    )
    posts_per_page = models.PositiveSmallIntegerField(_("posts per page"), default=10)
    created_at = models.DateTimeField(auto_now_add=True)
    # Changed (to a new random value) whenever anything a page of the blog shows changes; the
    # parts of its pages rendered ahead of time are kept with the value they were rendered under
    # (samizdat.pages.invalidation, samizdat.posts.fragments). Read with the blog: no query of its own.
    fragments_token = models.CharField(max_length=24, default=new_fragments_token, editable=False)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("posts:blog_home", kwargs={"blog_slug": self.slug})

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.time_zone)


class MirrorDomain(models.Model):
    """Another domain name of a blog, served by this instance like its custom domain.

    When the main domain is blocked or seized, readers can still reach the blog here; pages
    answered on it link only to it.
    """

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="mirror_domains")
    domain = models.CharField(_("domain"), max_length=253, unique=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.domain


class StaticMirror(models.Model):
    """An address elsewhere where a static copy of the blog (`samizdat mirror`) is published."""

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="static_mirrors")
    url = models.URLField(_("address"), max_length=500)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["blog", "url"], name="one_static_mirror_per_url")]

    def __str__(self):
        return self.url


class Membership(models.Model):
    """A person's role on a blog."""

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AUTHOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blog", "user"], name="one_membership_per_blog")]

    def __str__(self):
        return f"{self.user} ({self.role}) on {self.blog}"

    def can(self, capability):
        return capability in CAPABILITIES[Role(self.role)]


class Invitation(models.Model):
    """An offer to join a blog with a role, redeemed by following its link once."""

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AUTHOR)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

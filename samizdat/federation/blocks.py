"""Blocking accounts and servers: their activities are dropped, nothing is sent to them."""

from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q

from .models import Block, Follower


def domain_of(url):
    return (urlsplit(url or "").hostname or "").lower()


def is_blocked(actor_id):
    """Whether `actor_id`, or the server it is on (or a parent domain of it), is blocked."""
    domain = domain_of(actor_id)
    parts = domain.split(".")
    domains = {".".join(parts[i:]) for i in range(len(parts))} if domain else set()
    return Block.objects.filter(Q(actor_id=actor_id) | Q(domain__in=domains)).exists()


@transaction.atomic
def block(*, domain="", actor_id="", reason=""):
    """Block an account or a whole domain; its followers of our blogs are removed."""
    domain = domain.strip().lower().strip(".")
    entry = Block.objects.create(domain=domain, actor_id=actor_id.strip(), reason=reason)
    apply(entry)
    return entry


def apply(entry):
    """Remove the followers a block covers (also for blocks added in the admin)."""
    followers = Follower.objects.all()
    if entry.actor_id:
        followers.filter(actor__ap_id=entry.actor_id).delete()
    if entry.domain:
        for follower in followers.select_related("actor"):
            domain = follower.actor.domain
            if domain == entry.domain or domain.endswith("." + entry.domain):
                follower.delete()

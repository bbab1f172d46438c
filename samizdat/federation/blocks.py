"""Blocking accounts and servers: their activities are dropped, nothing is sent to them."""

from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q

from .models import Block, Follower


def domain_of(url):
    return (urlsplit(url or "").hostname or "").lower()


def _domains(actor_id):
    """The host of `actor_id` and each parent domain of it (a block of a domain covers its subdomains)."""
    domain = domain_of(actor_id)
    parts = domain.split(".")
    return {".".join(parts[i:]) for i in range(len(parts))} if domain else set()


def is_blocked(actor_id):
    """Whether `actor_id`, or the server it is on (or a parent domain of it), is blocked."""
    return Block.objects.filter(Q(actor_id=actor_id) | Q(domain__in=_domains(actor_id))).exists()


def checker():
    """`is_blocked` with the blocks read once: for a fan-out checking thousands of addresses."""
    rows = list(Block.objects.values_list("actor_id", "domain"))
    actors, domains = {a for a, _d in rows if a}, {d for _a, d in rows if d}
    return lambda actor_id: actor_id in actors or not domains.isdisjoint(_domains(actor_id))


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

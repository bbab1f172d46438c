"""Who is asking: the one place that reads a request's client address.

Rate limits and blocklists in every app ask here. Behind a front server the connection comes
from the front server, so its X-Forwarded-For is read, but only when the connection comes from an
address in SAMIZDAT_TRUSTED_PROXIES: anyone else could write any address there.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries):
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ValueError(f"SAMIZDAT_TRUSTED_PROXIES: {error}") from None


def _address(text):
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def client_address(request):
    """The reader's IP address: the connection's, or the one a trusted front server forwarded."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = _networks(tuple(settings.SAMIZDAT_TRUSTED_PROXIES))
    current = _address(remote) if remote and proxies else None
    if current is None:
        return remote
    # Each proxy appends the address it was connected from: read from the right, past our own
    # proxies, to the first address none of them vouches for.
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        if not any(current in network for network in proxies):
            break
        previous = _address(hop)
        if previous is None:  # garbage a proxy passed on: the last address we can vouch for stands
            break
        current = previous
    return str(current)

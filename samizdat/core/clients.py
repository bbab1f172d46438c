"""Who is asking: the one place that reads a request's client address.

Rate limits and blocklists in every app ask here, so trusting a front server's
X-Forwarded-For (not done yet: behind a proxy every client shares its address) is one change.
"""


def client_address(request):
    """The client's IP address as the server saw it, or None."""
    return request.META.get("REMOTE_ADDR") or None

"""Content negotiation: which URLs answer ActivityPub clients with JSON, and what a client asked for."""

ACTIVITY_JSON = "application/activity+json"
LD_JSON = "application/ld+json"
AP_TYPES = (ACTIVITY_JSON, LD_JSON)
LD_JSON_PROFILE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


def _accepted(header):
    """{media type: quality} from an Accept header, parameters other than q ignored."""
    accepted = {}
    for part in header.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        accepted[media.lower()] = max(quality, accepted.get(media.lower(), 0.0))
    return accepted


def wanted_ap_type(request):
    """The ActivityPub media type the client prefers over HTML, or None when it wants a page."""
    accepted = _accepted(request.headers.get("Accept", ""))
    best = max(AP_TYPES, key=lambda media: accepted.get(media, 0.0))
    ap_quality = accepted.get(best, 0.0)
    if ap_quality <= 0:
        return None
    html_quality = max(accepted.get("text/html", 0.0), accepted.get("application/xhtml+xml", 0.0))
    return best if ap_quality >= html_quality else None


def response_type(media):
    return LD_JSON_PROFILE if media == LD_JSON else ACTIVITY_JSON

"""The ActivityPub ids (absolute URLs) of our actors and objects.

Ids use the instance's public origin (SAMIZDAT_SITE_URL), also for blogs on their own domain: an id
must never change, and a blog may move to a domain and back.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone


def absolute(path):
    return settings.SITE_URL + path


def host():
    """The instance's host (with a port when it has one), as in handles: @blog@host."""
    return settings.SITE_URL.split("://", 1)[1].split("/", 1)[0]


def actor_id(blog):
    return absolute(reverse("posts:blog_home", kwargs={"blog_slug": blog.slug}))


def key_id(blog):
    return actor_id(blog) + "#main-key"


def blog_collection(blog, name):
    """The blog's inbox, outbox, followers, following or featured collection."""
    return absolute(reverse(f"federation:{name}", kwargs={"blog_slug": blog.slug}))


def instance_actor_id():
    return absolute(reverse("federation:instance_actor"))


def instance_key_id():
    return instance_actor_id() + "#main-key"


def shared_inbox():
    return absolute(reverse("federation:shared_inbox"))


def post_id(post):
    return absolute(post.get_absolute_url())


def comment_id(comment):
    """A local comment's id (given the comment or its key): its own address, since the fragment
    of #comment-N never reaches us."""
    return absolute(reverse("federation:comment", kwargs={"pk": getattr(comment, "pk", comment)}))


def stamp():
    """Milliseconds now: what makes each activity id unique."""
    return int(timezone.now().timestamp() * 1000)


def activity_id(obj_id, verb, stamp):
    """A unique id for an activity about `obj_id` (a Create, Update or Delete at `stamp`)."""
    return f"{obj_id}#{verb.lower()}-{stamp}"


PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def quote_authorization_id(reblog):
    """The FEP-044f QuoteAuthorization we give a remote quote of one of our posts (its Reblog row)."""
    return absolute(reverse("federation:quote_authorization", kwargs={"pk": getattr(reblog, "pk", reblog)}))


def reader_reply_id(reply):
    """A reply written in the Reader, as a Note of the blog that sent it."""
    return absolute(reverse("federation:reader_reply", kwargs={"pk": getattr(reply, "pk", reply)}))

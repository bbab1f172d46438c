"""Our actors, objects and activities as ActivityStreams 2.0 JSON."""

import re

from django.utils.html import escape

from .. import ids

AS = "https://www.w3.org/ns/activitystreams"
SECURITY = "https://w3id.org/security/v1"
# The extension terms we use, so JSON-LD processors (bovine, Pleroma) read them as meant.
EXTENSIONS = {
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "toot": "http://joinmastodon.org/ns#",
    "discoverable": "toot:discoverable",
    "indexable": "toot:indexable",
    "featured": {"@id": "toot:featured", "@type": "@id"},
    "Hashtag": "as:Hashtag",
    "sensitive": "as:sensitive",
    "preview": {"@id": "as:preview", "@type": "@id"},
    # FEP-044f quote posts, with GoToSocial's interaction policies, named as Mastodon names them.
    "gts": "https://gotosocial.org/ns#",
    "interactionPolicy": {"@id": "gts:interactionPolicy", "@type": "@id"},
    "canQuote": {"@id": "gts:canQuote", "@type": "@id"},
    "automaticApproval": {"@id": "gts:automaticApproval", "@type": "@id"},
    "QuoteRequest": "https://w3id.org/fep/044f#QuoteRequest",
    "QuoteAuthorization": "https://w3id.org/fep/044f#QuoteAuthorization",
    "interactingObject": {"@id": "gts:interactingObject"},
    "interactionTarget": {"@id": "gts:interactionTarget"},
    # What a quote post quotes, under each name servers read (see quote_note).
    "quote": {"@id": "https://w3id.org/fep/044f#quote", "@type": "@id"},
    "quoteAuthorization": {"@id": "https://w3id.org/fep/044f#quoteAuthorization", "@type": "@id"},
    "_misskey_quote": "https://misskey-hub.net/ns#_misskey_quote",
    "quoteUrl": "as:quoteUrl",
    "quoteUri": "http://fedibird.com/ns#quoteUri",
    # Profile fields, as Mastodon names them.
    "schema": "http://schema.org#",
    "PropertyValue": "schema:PropertyValue",
    "value": "schema:value",
}
CONTEXT = [AS, SECURITY, EXTENSIONS]

_RELATIVE = re.compile(r'(\s(?:href|src)=")(/[^/"][^"]*|/)"')


def absolute_links(html):
    """`html` with its site-relative links and images made absolute: other servers show it elsewhere."""
    return _RELATIVE.sub(lambda m: f'{m[1]}{ids.absolute(m[2])}"', html)


def public_key(key_id, owner, pem):
    return {"id": key_id, "owner": owner, "publicKeyPem": pem}


def address_field(label, url):
    """One of the blog's other addresses as a profile field (a PropertyValue), which Mastodon,
    Pleroma, Misskey and GoToSocial show on the profile."""
    shown = url.split("://", 1)[-1].rstrip("/")
    return {
        "type": "PropertyValue", "name": str(label),
        "value": f'<a href="{escape(url)}" rel="me nofollow noopener noreferrer" target="_blank">{escape(shown)}</a>',
    }


def blog_actor(blog, *, public_pem, icon=None, approve_followers=False, url=None, addresses=()):
    """The blog as a Person actor: @slug@host, with its collections, key, icon and description.

    `url`: the blog's home at its main address; `addresses`: (label, URL) of every other address
    it is read at (onion, mirror domains, static mirrors), shown as profile fields."""
    actor = ids.actor_id(blog)
    document = {
        "@context": CONTEXT,
        "id": actor,
        "type": "Person",
        "preferredUsername": blog.slug,
        "name": blog.title,
        "summary": f"<p>{escape(blog.tagline)}</p>" if blog.tagline else "",
        "url": url or actor,
        "inbox": ids.blog_collection(blog, "inbox"),
        "outbox": ids.blog_collection(blog, "outbox"),
        "followers": ids.blog_collection(blog, "followers"),
        "following": ids.blog_collection(blog, "following"),
        "featured": ids.blog_collection(blog, "featured"),
        "endpoints": {"sharedInbox": ids.shared_inbox()},
        "manuallyApprovesFollowers": approve_followers,
        "discoverable": True,
        "indexable": True,
        "published": blog.created_at.isoformat(),
        "publicKey": public_key(ids.key_id(blog), actor, public_pem),
    }
    if icon:
        document["icon"] = {"type": "Image", "mediaType": icon["media_type"], "url": icon["url"]}
    if addresses:
        document["attachment"] = [address_field(label, address) for label, address in addresses]
    return document


def instance_actor(*, name, public_pem):
    """The instance actor (FEP-2677): it signs our GET requests, for servers that want signed fetches."""
    actor = ids.instance_actor_id()
    return {
        "@context": CONTEXT,
        "id": actor,
        "type": "Application",
        "preferredUsername": ids.host(),
        "name": name,
        "url": ids.absolute("/"),
        "inbox": ids.shared_inbox(),
        "outbox": actor + "/outbox",
        "manuallyApprovesFollowers": True,
        "publicKey": public_key(ids.instance_key_id(), actor, public_pem),
    }


def collection(collection_id, *, total, items=None, ordered=True):
    """An (Ordered)Collection with its items inline, or only its size when `items` is None."""
    document = {
        "@context": AS,
        "id": collection_id,
        "type": "OrderedCollection" if ordered else "Collection",
        "totalItems": total,
    }
    if items is not None:
        document["orderedItems" if ordered else "items"] = items
    return document


def _audience(blog):
    return {"to": [ids.PUBLIC], "cc": [ids.blog_collection(blog, "followers")]}


def article(post, *, tags=(), attachments=()):
    """A published post as an Article (FEP-b2b8): the full text, and a `preview` Note for timelines.

    Mastodon shows an Article as its name and a link, and uses `summary` as a content warning, so the
    summary stays short and the preview carries title, summary and link in a form every server shows.
    """
    blog = post.blog
    url = ids.post_id(post)
    language = blog.language
    content = absolute_links(post.html)
    summary = escape(post.summary)
    hashtags = [
        {"type": "Hashtag", "href": ids.absolute(tag.get_absolute_url()), "name": "#" + tag.name.replace(" ", "")}
        for tag in tags
    ]
    document = {
        "@context": CONTEXT,
        "id": url,
        "type": "Article",
        "attributedTo": ids.actor_id(blog),
        "name": post.title,
        "summary": summary,
        "content": content,
        "contentMap": {language: content},
        "mediaType": "text/html",
        "url": url,
        "published": post.published_at.isoformat(),
        **_audience(blog),
        "tag": hashtags,
        "attachment": [
            {
                "type": "Image" if media["media_type"].startswith("image/") else "Document",
                "mediaType": media["media_type"],
                "url": media["url"],
                "name": media["alt"],
                **({"width": media["width"], "height": media["height"]} if media.get("width") else {}),
            }
            for media in attachments
        ],
        "preview": {
            "type": "Note",
            "attributedTo": ids.actor_id(blog),
            "content": (
                f"<p><strong>{escape(post.title)}</strong></p>"
                + (f"<p>{summary}</p>" if summary else "")
                + f'<p><a href="{escape(url)}">{escape(url)}</a></p>'
            ),
            "tag": hashtags,
        },
        # Anyone may quote a post (FEP-044f): a QuoteRequest is accepted at once.
        "interactionPolicy": {"canQuote": {"automaticApproval": [ids.PUBLIC]}},
    }
    if post.updated_at and post.published_at and post.updated_at > post.published_at:
        document["updated"] = post.updated_at.isoformat()
    return document


_REBLOG_SECTION = re.compile(r'<section class="reblog">.*?</section>', re.S)
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


def quote_note(post, *, quote, tags=(), attachments=()):
    """A reblog of a fediverse post as a Note quoting it, the way each server reads a quote.

    `quote`: the quoted post's `object_id`, its `url`, its author's `actor_id` and `handle`, and the
    `authorization` their server gave ("" while none), and whether it `rejected` the quote. The note
    carries the writer's comment (the quoted text is the server's to show) and a "RE: <link>" line,
    which Mastodon hides when it shows the quote (class quote-inline) and other servers show as a
    link. Its author is addressed and tagged so their server counts the quote; a FEP-e232 Link tag
    names it for Misskey and others. A refused quote claims no quote any more: the line stays, a
    plain link every server shows, as Mastodon keeps a quote whose approval was refused or revoked.
    """
    document = article(post, tags=tags, attachments=attachments)
    link = escape(quote["url"])
    comment = _REBLOG_SECTION.sub("", document["content"]).strip()
    for key in ("name", "summary", "preview"):
        document.pop(key)
    if quote.get("rejected"):
        content = f'{comment}<p>RE: <a href="{link}">{link}</a></p>'
        document.update({"type": "Note", "content": content, "contentMap": {post.blog.language: content}})
        return document
    content = f'{comment}<p class="quote-inline">RE: <a href="{link}">{link}</a></p>'
    document.update({
        "type": "Note", "content": content, "contentMap": {post.blog.language: content},
        "quote": quote["object_id"], "_misskey_quote": quote["object_id"], "quoteUrl": quote["object_id"],
        "quoteUri": quote["object_id"], "cc": [*document["cc"], quote["actor_id"]],
        "tag": [
            *document["tag"],
            {"type": "Mention", "href": quote["actor_id"], "name": quote["handle"] or quote["actor_id"]},
            {"type": "Link", "mediaType": LD_JSON, "href": quote["object_id"], "name": f"RE: {quote['url']}"},
        ],
    })
    if quote["authorization"]:
        document["quoteAuthorization"] = quote["authorization"]
    return document


def comment_note(comment, *, in_reply_to, blog, mention=None):
    """A local comment as a Note from the blog's actor, naming its writer (people here have no actor).

    `mention`: the remote author replied to, (actor id, handle), addressed and tagged so their
    server shows the reply in their thread (Mastodon needs the Mention).
    """
    url = ids.absolute(comment.get_absolute_url())
    content = f"<p><strong>{escape(comment.author_name)}</strong>:</p>{absolute_links(comment.html)}"
    audience = _audience(blog)
    tags = []
    if mention:
        actor_id, handle = mention
        audience["cc"] = [*audience["cc"], actor_id]
        tags.append({"type": "Mention", "href": actor_id, "name": handle or actor_id})
    return {
        "@context": CONTEXT,
        "id": ids.comment_id(comment),
        "type": "Note",
        "attributedTo": ids.actor_id(blog),
        "inReplyTo": in_reply_to,
        "content": content,
        "contentMap": {blog.language: content},
        "url": url,
        "published": comment.created_at.isoformat(),
        "tag": tags,
        **audience,
    }


def quote_authorization(authorization_id, *, blog_actor, target, quote):
    """FEP-044f: the blog lets the note `quote` quote its post `target`."""
    return {
        "@context": CONTEXT, "id": authorization_id, "type": "QuoteAuthorization", "attributedTo": blog_actor,
        "interactionTarget": target, "interactingObject": quote,
    }


def reader_reply_note(reply, *, note_id, url, recipient):
    """A reply written in the Reader, as a Note from the blog's actor naming its writer, addressed
    and tagged to the author replied to (`recipient`: actor id, handle) so their thread shows it."""
    blog = reply.blog
    content = f"<p><strong>{escape(reply.author_name)}</strong>:</p>{reply.html}"
    actor_id, handle = recipient
    return {
        "@context": CONTEXT,
        "id": note_id,
        "type": "Note",
        "attributedTo": ids.actor_id(blog),
        "inReplyTo": reply.in_reply_to,
        "content": content,
        "contentMap": {blog.language: content},
        "url": url,
        "published": reply.created_at.isoformat(),
        "tag": [{"type": "Mention", "href": actor_id, "name": handle or actor_id}],
        "to": [ids.PUBLIC],
        "cc": [ids.blog_collection(blog, "followers"), actor_id],
    }


def tombstone(object_id, *, former_type, deleted):
    return {"@context": AS, "id": object_id, "type": "Tombstone", "formerType": former_type, "deleted": deleted}


def activity(verb, *, activity_id, actor, obj, to=None, cc=None, published=None):
    """An activity of `actor` about `obj`, addressed like the object unless told otherwise."""
    document = {"@context": CONTEXT, "id": activity_id, "type": verb, "actor": actor, "object": obj}
    if isinstance(obj, dict):
        document["object"] = {k: v for k, v in obj.items() if k != "@context"}
        to = to if to is not None else obj.get("to")
        cc = cc if cc is not None else obj.get("cc")
    if to:
        document["to"] = to
    if cc:
        document["cc"] = cc
    if published:
        document["published"] = published
    return document

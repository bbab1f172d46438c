"""Every dashboard URL against every kind of visitor.

The matrix must name every URL in samizdat/dashboard/urls.py, so a new screen cannot ship
without saying who may use it.
"""

import pytest
from django.urls import reverse

from samizdat.api import token_urls, webmention_dashboard_urls
from samizdat.dashboard import urls

ROLES = ["anonymous", "outsider", "contributor", "author", "editor", "owner", "other_owner", "admin"]
SIGNED_IN = set(ROLES) - {"anonymous"}
MEMBERS = {"contributor", "author", "editor", "owner", "admin"}
AUTHORS = {"author", "editor", "owner", "admin"}
EDITORS = {"editor", "owner", "admin"}
OWNERS = {"owner", "admin"}
# Whoever belongs to some blog (or runs the instance) may reblog into it.
BLOGGERS = SIGNED_IN - {"outsider"}
# Whoever may publish on some blog may speak for it on the fediverse.
PUBLISHERS = AUTHORS | {"other_owner"}


def blog(w, **extra):
    return {"blog_slug": w.blog.slug, **extra}


def revision(w, obj):
    return blog(w, pk=obj.pk, revision_pk=obj.revisions.first().pk)


def comment(w):
    """A guest's held comment on the author's post, made on first use."""
    from samizdat.comments.models import Comment

    if not hasattr(w, "comment"):
        w.comment = Comment.objects.create(
            post=w.post, author_name="Guest", author_email="guest@example.test", body="Hi", html="<p>Hi</p>"
        )
    return blog(w, pk=w.comment.pk)


def entry(w):
    """An entry of a feed that every signed-in person of the world follows, made on first use."""
    from samizdat.reader.models import Entry, Source, Subscription

    if not hasattr(w, "entry"):
        source = Source.objects.create(url="https://feeds.example/rss", title="Feeds")
        for role in SIGNED_IN:
            Subscription.objects.create(user=getattr(w, role), source=source)
        w.entry = Entry.objects.create(source=source, guid="1", link="https://feeds.example/1", title="One")
    return w.entry


def followed_post(w):
    """The author's post, on a blog that every signed-in person of the world follows."""
    from samizdat.social.services import follow_blog

    if not hasattr(w, "followed"):
        for role in SIGNED_IN:
            follow_blog(getattr(w, role), w.blog)
        w.followed = True
    return w.post


def actor_entry(w):
    """A post of a fediverse account that every signed-in person of the world follows, made on first use."""
    from samizdat.federation.models import RemoteActor
    from samizdat.reader.models import Entry, Source, Subscription

    if not hasattr(w, "actor_entry"):
        RemoteActor.objects.create(ap_id="https://social.example/users/ann", username="ann",
                                   inbox="https://social.example/users/ann/inbox")
        source = Source.objects.create(kind=Source.Kind.ACTOR, url="https://social.example/users/ann", title="Ann")
        for role in SIGNED_IN:
            Subscription.objects.create(user=getattr(w, role), source=source)
        w.actor_entry = Entry.objects.create(source=source, guid="https://social.example/users/ann/statuses/1",
                                             link="https://social.example/@ann/1", content_html="<p>Hi</p>")
    return w.actor_entry


def import_job(w):
    """A finished WordPress import into the blog, made on first use."""
    from samizdat.portability.models import ImportJob

    if not hasattr(w, "import_job"):
        w.import_job = ImportJob.objects.create(
            blog=w.blog, requested_by=w.owner, file_name="export.xml", stored_as="gone.xml", size=10,
            status=ImportJob.Status.DONE, summary={"imported": {"post": 1}},
        )
    return blog(w, job_id=w.import_job.pk)


def follow_request(w):
    """A follow request from an account on another server, held for the blog, made on first use."""
    from samizdat.federation.models import Follower, RemoteActor

    if not hasattr(w, "follow_request"):
        actor = RemoteActor.objects.create(ap_id="https://social.example/users/zoe", username="zoe",
                                           inbox="https://social.example/users/zoe/inbox")
        w.follow_request = Follower.objects.create(blog=w.blog, actor=actor, follow_id=f"{actor.ap_id}#f",
                                                   status=Follower.Status.PENDING)
    return blog(w, pk=w.follow_request.pk)


def reader_action(w):
    """The blog's like of the fediverse account's post, made on first use."""
    from samizdat.federation.models import ReaderAction, RemoteActor

    entry = actor_entry(w)
    return ReaderAction.objects.get_or_create(
        blog=w.blog, kind=ReaderAction.Kind.LIKE, object_id=entry.guid,
        defaults={"recipient": RemoteActor.objects.get(ap_id=entry.source.url), "activity_id": "https://x.example/#like"},
    )[0]


def reader_reply(w):
    """A reply the blog sent to the fediverse account's post, made anew (deleting takes it)."""
    from samizdat.federation.models import ReaderReply, RemoteActor

    entry = actor_entry(w)
    return ReaderReply.objects.create(blog=w.blog, author_name="Owner", in_reply_to=entry.guid, html="<p>Hi</p>",
                                      recipient=RemoteActor.objects.get(ap_id=entry.source.url))


# URL name: (method, URL arguments, POST data, who is allowed)
MATRIX = {
    "home": ("get", lambda w: {}, None, SIGNED_IN),
    "blog_create": ("get", lambda w: {}, None, SIGNED_IN),
    "reader": ("get", lambda w: {}, None, SIGNED_IN),
    "reader_sources": ("get", lambda w: {}, None, SIGNED_IN),
    "reader_unsubscribe": ("post", lambda w: {"pk": entry(w).source_id}, {}, SIGNED_IN),
    "reader_opml": ("get", lambda w: {}, None, SIGNED_IN),
    "reader_mark_read": ("post", lambda w: {"pk": entry(w).pk}, {}, SIGNED_IN),
    "reader_mark_post_read": ("post", lambda w: {"pk": followed_post(w).pk}, {}, SIGNED_IN),
    "reader_mark_all_read": ("post", lambda w: {}, {}, SIGNED_IN),
    # Replying to, liking or boosting a fediverse account's post takes a blog to speak for in
    # public: one where the person may publish (the other owner has a blog of their own).
    "reader_reply": ("get", lambda w: {"pk": actor_entry(w).pk}, None, PUBLISHERS),
    # Without a blog chosen: sent back to the Reader with a message.
    "reader_interact": ("post", lambda w: {"pk": actor_entry(w).pk}, {}, PUBLISHERS),
    # Things the blog did: those who may publish on it may take them back.
    "reader_undo": ("post", lambda w: {"pk": reader_action(w).pk}, {}, AUTHORS),
    "reader_reply_delete": ("post", lambda w: {"pk": reader_reply(w).pk}, {}, AUTHORS),
    "reblog_url": ("get", lambda w: {}, None, BLOGGERS),
    "reblog_post": ("get", lambda w: {"post_id": w.post.pk}, None, BLOGGERS),
    "reblog_entry": ("get", lambda w: {"entry_id": entry(w).pk}, None, BLOGGERS),
    "reblog_settings": ("post", blog, {"excerpt_only": "on"}, OWNERS),
    "profile": ("get", lambda w: {}, None, SIGNED_IN),
    "privacy": ("get", lambda w: {}, None, SIGNED_IN),
    "privacy_export": ("get", lambda w: {}, None, SIGNED_IN),
    # Posted without the typed username: refused with 400 for everyone signed in, nothing deleted.
    "privacy_delete": ("post", lambda w: {}, {"comments": "keep"}, SIGNED_IN),
    "invitation_accept": ("get", lambda w: {"token": w.invitation.token}, None, SIGNED_IN),
    "post_list": ("get", blog, None, MEMBERS),
    "post_create": ("get", blog, None, MEMBERS),
    # The post is the author's own, published: contributors may not edit others' or published posts.
    "post_edit": ("get", lambda w: blog(w, pk=w.post.pk), None, AUTHORS),
    "post_delete": ("post", lambda w: blog(w, pk=w.post.pk), {}, AUTHORS),
    "post_revisions": ("get", lambda w: blog(w, pk=w.post.pk), None, AUTHORS),
    "post_revision_restore": ("post", lambda w: revision(w, w.post), {}, AUTHORS),
    "page_list": ("get", blog, None, EDITORS),
    "page_create": ("get", blog, None, EDITORS),
    "page_edit": ("get", lambda w: blog(w, pk=w.page.pk), None, EDITORS),
    "page_delete": ("post", lambda w: blog(w, pk=w.page.pk), {}, EDITORS),
    "page_revisions": ("get", lambda w: blog(w, pk=w.page.pk), None, EDITORS),
    "page_revision_restore": ("post", lambda w: revision(w, w.page), {}, EDITORS),
    "tag_list": ("get", blog, None, EDITORS),
    "tag_edit": ("get", lambda w: blog(w, pk=w.tag.pk), None, EDITORS),
    "tag_delete": ("post", lambda w: blog(w, pk=w.tag.pk), {}, EDITORS),
    "category_list": ("get", blog, None, EDITORS),
    "category_edit": ("get", lambda w: blog(w, pk=w.category.pk), None, EDITORS),
    "category_delete": ("post", lambda w: blog(w, pk=w.category.pk), {}, EDITORS),
    "media_list": ("get", blog, None, AUTHORS),
    # The file was uploaded by the author.
    "media_edit": ("get", lambda w: blog(w, pk=w.media.pk), None, AUTHORS),
    "media_delete": ("post", lambda w: blog(w, pk=w.media.pk), {}, AUTHORS),
    "settings": ("get", blog, None, OWNERS),
    "members": ("get", blog, None, OWNERS),
    "member_role": (
        "post",
        lambda w: blog(w, pk=w.blog.memberships.get(user=w.author).pk),
        {"role": "editor"},
        OWNERS,
    ),
    "member_remove": ("post", lambda w: blog(w, pk=w.blog.memberships.get(user=w.author).pk), {}, OWNERS),
    "invitation_revoke": ("post", lambda w: blog(w, pk=w.invitation.pk), {}, OWNERS),
    "comment_list": ("get", blog, None, EDITORS),
    "comment_bulk": ("post", blog, {"action": "approve"}, EDITORS),
    "comment_settings": ("get", blog, None, OWNERS),
    "comment_edit": ("get", comment, None, EDITORS),
    "comment_moderate": ("post", comment, {"action": "approve"}, EDITORS),
    "comment_reply": ("post", comment, {"body": "Thank you."}, EDITORS),
    "comment_post_switch": ("post", lambda w: blog(w, pk=w.post.pk), {"open": "0"}, EDITORS),
    "followers": ("get", blog, None, EDITORS),
    "follower_accept": ("post", follow_request, {}, EDITORS),
    "follower_reject": ("post", follow_request, {}, EDITORS),
    "federation_settings": ("post", blog, {"approve_followers": "on"}, OWNERS),
    "import": ("get", blog, None, OWNERS),
    "import_job": ("get", import_job, None, OWNERS),
    "export": ("get", blog, None, OWNERS),
    # One's own API credentials (samizdat/api/token_urls.py, under /dashboard/tokens/); the token
    # revoked is the owner's, so everyone else gets 404.
    "tokens:token_list": ("get", lambda w: {}, None, SIGNED_IN),
    "tokens:token_revoke": ("post", lambda w: {"pk": owner_token(w)}, {}, {"owner"}),
    # The blog's webmentions (samizdat/api/webmention_dashboard_urls.py): every writer, each
    # seeing those of the posts they may see.
    "webmentions:webmention_list": ("get", blog, None, MEMBERS),
}
# Pages that show an anonymous visitor a way to sign in (or up) instead of redirecting at once:
# an invitation link is opened by people who may have no account yet. Accepting still needs one.
SHOWN_TO_ANONYMOUS = {"invitation_accept"}
# Posts whose allowed roles get the form back (400) for the matrix's data, rather than a redirect.
REFUSED_FORM = {"privacy_delete"}


def owner_token(w):
    from samizdat.api.tokens import create_token

    return create_token(w.owner, name="phone", scopes=["read"])[0].pk


def test_permission_matrix_names_every_dashboard_url():
    names = {p.name for p in urls.urlpatterns} | {f"tokens:{p.name}" for p in token_urls.urlpatterns}
    names |= {f"webmentions:{p.name}" for p in webmention_dashboard_urls.urlpatterns}
    assert names == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_dashboard_url_allows_only_its_roles(name, role, world, login):
    method, arguments, data, allowed = MATRIX[name]
    url = reverse(name if ":" in name else f"dashboard:{name}", kwargs=arguments(world))
    client = login(getattr(world, role))
    response = client.post(url, data) if method == "post" else client.get(url)
    if role == "anonymous" and name in SHOWN_TO_ANONYMOUS:
        assert response.status_code == 200 and f"/accounts/login/?next={url}" in response.content.decode()
        assert client.post(url)["Location"].startswith("/accounts/login/")
    elif role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    elif role in allowed and name in REFUSED_FORM:
        assert response.status_code == 400
    elif role in allowed:
        assert response.status_code == (302 if method == "post" else 200)
        if method == "post":
            assert not response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code in (403, 404), response.status_code

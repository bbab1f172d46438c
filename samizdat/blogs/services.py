import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Blog, Invitation, Membership, MirrorDomain, StaticMirror
from .roles import Role


@transaction.atomic
def create_blog(slug, title, *, owner=None, tagline="", language="en", time_zone="UTC"):
    """Create a blog, with `owner` as its first member."""
    blog = Blog(slug=slug, title=title, tagline=tagline, language=language, time_zone=time_zone)
    blog.full_clean()
    blog.save()
    if owner is not None:
        Membership.objects.create(blog=blog, user=owner, role=Role.OWNER)
    return blog


def membership_for(user, blog):
    """The user's membership of the blog, or None; instance admins act as owners."""
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(blog=blog, user=user).first()
    if membership is None and user.is_superuser:
        membership = Membership(blog=blog, user=user, role=Role.OWNER)
    return membership


def set_role(blog, user, role):
    """Give `user` the `role` on `blog`, adding them as a member if needed."""
    membership, _ = Membership.objects.update_or_create(blog=blog, user=user, defaults={"role": role})
    return membership


def invite(blog, email, role, invited_by):
    """Create an invitation whose link lets its holder join `blog` as `role`."""
    return Invitation.objects.create(
        blog=blog, email=email, role=role, invited_by=invited_by, token=secrets.token_urlsafe(32)
    )


@transaction.atomic
def accept_invitation(invitation, user):
    """Make `user` a member with the invitation's role; an invitation is used once."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValueError("This invitation has already been used.")
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return set_role(invitation.blog, user, invitation.role)


def _is_last_owner(membership):
    if membership.pk is None or membership.role != Role.OWNER:
        return False
    others = Membership.objects.filter(blog=membership.blog, role=Role.OWNER).exclude(pk=membership.pk)
    return not others.exists()


def change_role(membership, role):
    """Give a member another role; a blog always keeps at least one owner."""
    if role != Role.OWNER and _is_last_owner(membership):
        raise ValidationError(_("A blog needs at least one owner: make someone else owner first."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def remove_member(membership):
    """Take a member off a blog; the last owner cannot be removed."""
    if _is_last_owner(membership):
        raise ValidationError(_("A blog needs at least one owner: make someone else owner first."))
    membership.delete()


def find_invitation(token):
    """The invitation with this token (used or not), or None."""
    return Invitation.objects.select_related("blog", "invited_by").filter(token=token).first()


def join_with_invitation(invitation, user):
    """Accept an invitation for `user`, refusing one that would change an existing member's role."""
    existing = Membership.objects.filter(blog=invitation.blog, user=user).first()
    if existing is not None:
        raise ValidationError(
            _("You are already a member of %(blog)s as %(role)s."),
            params={"blog": invitation.blog.title, "role": existing.get_role_display()},
        )
    try:
        return accept_invitation(invitation, user)
    except ValueError:
        raise ValidationError(_("This invitation has already been used."))


@transaction.atomic
def set_alternate_addresses(blog, mirror_domains, static_mirrors):
    """Make the blog's mirror domains and declared static mirrors exactly these (in this order)."""
    blog.mirror_domains.exclude(domain__in=mirror_domains).delete()
    blog.static_mirrors.exclude(url__in=static_mirrors).delete()
    # One row at a time, not bulk_create: saving sends the signal that clears the blog's stored pages.
    have = set(blog.mirror_domains.values_list("domain", flat=True))
    for domain in mirror_domains:
        if domain not in have:
            MirrorDomain.objects.create(blog=blog, domain=domain)
    have = set(blog.static_mirrors.values_list("url", flat=True))
    for url in static_mirrors:
        if url not in have:
            StaticMirror.objects.create(blog=blog, url=url)


def memberships_data_of(user):
    """The blogs the account is a member of, and its role on each, for the person's download."""
    return {"memberships": [
        {"blog": m.blog.slug, "role": m.role} for m in user.memberships.select_related("blog").order_by("blog__slug")
    ]}

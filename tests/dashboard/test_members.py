from django.urls import reverse

from samizdat.blogs.models import Invitation, Membership
from samizdat.blogs.roles import Role


def membership(blog, user):
    return Membership.objects.get(blog=blog, user=user)


def test_invitation_link_is_shown_to_the_inviter(world, login):
    response = login(world.owner).post(
        reverse("dashboard:members", args=[world.blog.slug]),
        {"email": "ana@example.test", "role": Role.EDITOR},
        follow=True,
    )
    invitation = Invitation.objects.get(email="ana@example.test")
    assert invitation.role == Role.EDITOR and invitation.invited_by == world.owner
    assert f"http://testserver/dashboard/invitations/{invitation.token}/" in response.content.decode()


def test_invitation_with_a_bad_email_is_refused_and_kept(world, login):
    response = login(world.owner).post(
        reverse("dashboard:members", args=[world.blog.slug]), {"email": "not-an-email", "role": Role.EDITOR}
    )
    html = response.content.decode()
    assert "Enter a valid email address." in html and 'value="not-an-email"' in html


def test_accepting_an_invitation_joins_the_blog_with_its_role(world, login):
    url = reverse("dashboard:invitation_accept", args=[world.invitation.token])
    response = login(world.outsider).post(url)
    assert response.status_code == 302
    assert membership(world.blog, world.outsider).role == Role.AUTHOR


def test_invitation_page_asks_before_joining(world, login):
    url = reverse("dashboard:invitation_accept", args=[world.invitation.token])
    html = login(world.outsider).get(url).content.decode()
    assert "Accept and join" in html
    assert not Membership.objects.filter(blog=world.blog, user=world.outsider).exists()


def test_used_invitation_cannot_be_used_again(world, login, make_user):
    url = reverse("dashboard:invitation_accept", args=[world.invitation.token])
    login(world.outsider).post(url)
    latecomer = make_user()
    response = login(latecomer).post(url)
    assert response.status_code == 400 and "already been used" in response.content.decode()
    assert not Membership.objects.filter(blog=world.blog, user=latecomer).exists()


def test_invitation_does_not_change_an_existing_members_role(world, login):
    url = reverse("dashboard:invitation_accept", args=[world.invitation.token])
    response = login(world.owner).post(url)
    assert "already a member" in response.content.decode()
    assert membership(world.blog, world.owner).role == Role.OWNER


def test_unknown_invitation_token_is_not_found(world, login):
    assert login(world.outsider).get(reverse("dashboard:invitation_accept", args=["nope"])).status_code == 404


def test_anonymous_visitor_is_offered_sign_in_or_sign_up_before_accepting(world, client):
    url = reverse("dashboard:invitation_accept", args=[world.invitation.token])
    page = client.get(url).content.decode()
    assert f'href="/accounts/login/?next={url}"' in page and f'href="/accounts/signup/?next={url}"' in page
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={url}"
    assert not world.invitation.blog.memberships.filter(user=None).exists()


def test_owner_changes_a_members_role(world, login):
    m = membership(world.blog, world.author)
    login(world.owner).post(
        reverse("dashboard:member_role", args=[world.blog.slug, m.pk]), {"role": Role.EDITOR}
    )
    m.refresh_from_db()
    assert m.role == Role.EDITOR


def test_last_owner_cannot_step_down(world, login):
    m = membership(world.blog, world.owner)
    response = login(world.owner).post(
        reverse("dashboard:member_role", args=[world.blog.slug, m.pk]), {"role": Role.AUTHOR}, follow=True
    )
    m.refresh_from_db()
    assert m.role == Role.OWNER and "at least one owner" in response.content.decode()


def test_last_owner_cannot_be_removed(world, login):
    m = membership(world.blog, world.owner)
    login(world.admin).post(reverse("dashboard:member_remove", args=[world.blog.slug, m.pk]))
    assert Membership.objects.filter(pk=m.pk).exists()


def test_owner_removes_a_member(world, login):
    m = membership(world.blog, world.author)
    login(world.owner).post(reverse("dashboard:member_remove", args=[world.blog.slug, m.pk]))
    assert not Membership.objects.filter(pk=m.pk).exists()


def test_removed_member_loses_access(world, login):
    m = membership(world.blog, world.author)
    login(world.owner).post(reverse("dashboard:member_remove", args=[world.blog.slug, m.pk]))
    assert login(world.author).get(reverse("dashboard:post_list", args=[world.blog.slug])).status_code == 404


def test_owner_withdraws_an_invitation(world, login):
    login(world.owner).post(
        reverse("dashboard:invitation_revoke", args=[world.blog.slug, world.invitation.pk])
    )
    assert not Invitation.objects.filter(pk=world.invitation.pk).exists()


def test_member_of_another_blog_cannot_change_roles_here(world, login):
    m = membership(world.blog, world.author)
    url = reverse("dashboard:member_role", args=[world.blog.slug, m.pk])
    assert login(world.other_owner).post(url, {"role": Role.OWNER}).status_code == 404
    m.refresh_from_db()
    assert m.role == Role.AUTHOR


def test_membership_id_of_another_blog_is_not_found(world, login):
    foreign = membership(world.other_blog, world.other_owner)
    url = reverse("dashboard:member_remove", args=[world.blog.slug, foreign.pk])
    assert login(world.owner).post(url).status_code == 404

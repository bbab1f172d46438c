import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samizdat.comments import services as comment_services
from samizdat.posts.models import Category, Post


def new_post_url(blog):
    return reverse("dashboard:post_create", args=[blog.slug])


def edit_url(post):
    return reverse("dashboard:post_edit", args=[post.blog.slug, post.pk])


def form_data(action="save", **fields):
    data = {
        "title": "Dockers strike",
        "source": "The **port** is closed.",
        "excerpt": "",
        "slug": "",
        "tags": "",
        "publish_at": "",
        "featured_image": "",
        "allow_comments": "on",  # ticked, as the editor shows it for a new post
        "action": action,
    }
    data.update(fields)
    return data


def test_preview_renders_markdown_and_keeps_everything_typed(world, login):
    client = login(world.author)
    response = client.post(
        new_post_url(world.blog),
        form_data(
            "preview",
            title="Draft title",
            source="Hello **world**",
            tags="labour, port",
            excerpt="Short",
            publish_at="2099-05-01T09:30",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<section class="preview"' in html and "<strong>world</strong>" in html
    assert "\nHello **world**</textarea>" in html
    assert 'value="labour, port"' in html and 'value="Draft title"' in html and "\nShort</textarea>" in html
    assert 'value="2099-05-01T09:30"' in html
    assert not Post.objects.filter(title="Draft title").exists()


def test_written_post_previewed_then_published_is_on_the_public_page(world, login):
    client = login(world.author)
    client.post(new_post_url(world.blog), form_data("preview"))
    response = client.post(new_post_url(world.blog), form_data("publish"))
    post = Post.objects.get(title="Dockers strike")
    assert response.status_code == 302 and response["Location"] == edit_url(post)
    assert post.status == Post.Status.PUBLISHED and post.author == world.author
    client.logout()
    public = client.get(post.get_absolute_url())
    assert public.status_code == 200 and "<strong>port</strong>" in public.content.decode()


def test_contributor_saves_a_draft(world, login):
    response = login(world.contributor).post(new_post_url(world.blog), form_data("save"))
    post = Post.objects.get(title="Dockers strike")
    assert response.status_code == 302 and post.status == Post.Status.DRAFT


def test_contributor_sees_no_publish_button(world, login):
    html = login(world.contributor).get(new_post_url(world.blog)).content.decode()
    assert 'value="save"' in html and 'value="publish"' not in html and 'value="schedule"' not in html


def test_contributor_forging_publish_on_new_post_is_refused(world, login):
    response = login(world.contributor).post(new_post_url(world.blog), form_data("publish"))
    assert response.status_code == 403
    assert not Post.objects.filter(title="Dockers strike").exists()


def test_contributor_forging_publish_on_own_draft_is_refused(world, login, make_post):
    draft = make_post(world.blog, author=world.contributor, status=Post.Status.DRAFT)
    client = login(world.contributor)
    for action in ("publish", "schedule"):
        response = client.post(edit_url(draft), form_data(action, publish_at="2099-01-01T10:00"))
        assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == Post.Status.DRAFT


def test_contributor_cannot_edit_own_published_post(world, login, make_post):
    post = make_post(world.blog, author=world.contributor)
    client = login(world.contributor)
    assert client.get(edit_url(post)).status_code == 403
    assert client.post(edit_url(post), form_data(title="Changed")).status_code == 403
    post.refresh_from_db()
    assert post.title != "Changed"


def test_author_cannot_edit_another_authors_post(world, login, member, make_post):
    other = member(world.blog)
    post = make_post(world.blog, author=other, title="Theirs")
    client = login(world.author)
    assert client.get(edit_url(post)).status_code == 403
    assert client.post(edit_url(post), form_data(title="Mine now")).status_code == 403
    post.refresh_from_db()
    assert post.title == "Theirs"


def test_editor_edits_another_authors_post(world, login):
    response = login(world.editor).post(edit_url(world.post), form_data(title="Edited by the editor"))
    world.post.refresh_from_db()
    assert response.status_code == 302 and world.post.title == "Edited by the editor"
    assert world.post.author == world.author


def test_member_of_another_blog_cannot_open_a_post(world, login):
    assert login(world.other_owner).get(edit_url(world.post)).status_code == 404


def test_post_id_from_another_blog_is_not_found(world, login, make_post):
    foreign = make_post(world.other_blog)
    url = reverse("dashboard:post_edit", args=[world.blog.slug, foreign.pk])
    assert login(world.owner).get(url).status_code == 404


def test_schedule_in_the_past_is_refused_with_message_and_input_kept(world, login):
    response = login(world.author).post(
        new_post_url(world.blog),
        form_data(
            "schedule",
            title="Too late",
            source="Kept *text*",
            publish_at="2001-01-01T10:00",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "choose a time in the future" in html
    assert (
        'value="2001-01-01T10:00"' in html
        and "\nKept *text*</textarea>" in html
        and 'value="Too late"' in html
    )
    assert not Post.objects.filter(title="Too late").exists()


def test_schedule_without_a_time_asks_for_one(world, login):
    html = login(world.author).post(new_post_url(world.blog), form_data("schedule")).content.decode()
    assert "Choose when to publish." in html


def test_schedule_reads_the_time_in_the_blogs_time_zone(world, login):
    login(world.author).post(new_post_url(world.blog), form_data("schedule", publish_at="2099-01-01T10:00"))
    post = Post.objects.get(title="Dockers strike")
    assert post.status == Post.Status.SCHEDULED
    # The blog is in Asia/Almaty, five hours ahead of UTC.
    assert post.published_at == datetime.datetime(2099, 1, 1, 5, 0, tzinfo=datetime.UTC)


def test_editor_shows_the_publish_time_in_the_blogs_time_zone(world, login, make_post):
    when = datetime.datetime(2099, 1, 1, 5, 0, tzinfo=datetime.UTC)
    post = make_post(world.blog, author=world.author, status=Post.Status.SCHEDULED, when=when)
    assert 'value="2099-01-01T10:00"' in login(world.author).get(edit_url(post)).content.decode()


def test_publish_with_a_past_time_backdates_the_post(world, login):
    login(world.author).post(new_post_url(world.blog), form_data("publish", publish_at="2020-06-01T12:00"))
    post = Post.objects.get(title="Dockers strike")
    assert post.status == Post.Status.PUBLISHED and post.published_at.year == 2020


def test_updating_a_published_post_keeps_it_published(world, login):
    published_at = world.post.published_at
    login(world.author).post(edit_url(world.post), form_data(title="Corrected"))
    world.post.refresh_from_db()
    assert world.post.status == Post.Status.PUBLISHED and world.post.published_at == published_at
    assert world.post.title == "Corrected"


def test_unpublish_returns_the_post_to_draft(world, login):
    response = login(world.author).post(edit_url(world.post), form_data("unpublish", title=world.post.title))
    world.post.refresh_from_db()
    assert response.status_code == 302 and world.post.status == Post.Status.DRAFT


def test_unknown_action_is_a_bad_request(world, login):
    assert (
        login(world.author).post(new_post_url(world.blog), form_data("delete-everything")).status_code == 400
    )


def test_duplicate_slug_is_refused_and_input_kept(world, login):
    response = login(world.author).post(
        new_post_url(world.blog), form_data(slug=world.post.slug, source="Mine")
    )
    html = response.content.decode()
    assert response.status_code == 200 and "already has this address" in html
    assert f'value="{world.post.slug}"' in html and "\nMine</textarea>" in html


def test_invalid_slug_is_refused(world, login):
    html = login(world.author).post(new_post_url(world.blog), form_data(slug="not a slug!")).content.decode()
    assert 'class="error"' in html and 'value="not a slug!"' in html
    assert not Post.objects.filter(title="Dockers strike").exists()


def test_digits_only_slug_is_refused(world, login):
    html = login(world.author).post(new_post_url(world.blog), form_data(slug="2026")).content.decode()
    assert "not only digits" in html


def test_tags_and_categories_are_saved(world, login):
    child = Category.objects.create(blog=world.blog, name="Docks", slug="docks", parent=world.category)
    login(world.author).post(
        new_post_url(world.blog), form_data(tags="strike, Port, strike", categories=[child.pk])
    )
    post = Post.objects.get(title="Dockers strike")
    assert sorted(t.name for t in post.tags.all()) == ["Port", "Strike"]
    assert list(post.categories.all()) == [child]


def test_tag_without_letters_is_refused(world, login):
    html = login(world.author).post(new_post_url(world.blog), form_data(tags="ok, !!!")).content.decode()
    assert "needs at least one letter or digit" in html


def test_category_of_another_blog_is_refused(world, login):
    foreign = Category.objects.create(blog=world.other_blog, name="Elsewhere", slug="elsewhere")
    response = login(world.author).post(new_post_url(world.blog), form_data(categories=[foreign.pk]))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Post.objects.filter(title="Dockers strike").exists()


def test_categories_are_listed_nested_in_the_editor(world, login):
    Category.objects.create(blog=world.blog, name="Docks", slug="docks", parent=world.category)
    html = login(world.author).get(new_post_url(world.blog)).content.decode()
    assert html.index(">News</label>") < html.index(">— Docks</label>")


def test_restoring_a_revision_brings_back_the_old_text(world, login):
    client = login(world.author)
    client.post(edit_url(world.post), form_data(title="Second version", source="New text"))
    first = world.post.revisions.order_by("created_at", "id").first()
    url = reverse("dashboard:post_revision_restore", args=[world.blog.slug, world.post.pk, first.pk])
    response = client.post(url)
    world.post.refresh_from_db()
    assert response.status_code == 302
    assert (world.post.title, world.post.source) == ("Author's post", "Some *text*.")
    assert world.post.revisions.count() == 3


def test_revision_restore_refuses_get(world, login):
    revision = world.post.revisions.first()
    url = reverse("dashboard:post_revision_restore", args=[world.blog.slug, world.post.pk, revision.pk])
    assert login(world.author).get(url).status_code == 405


def test_revisions_page_lists_versions_with_restore_buttons(world, login):
    login(world.author).post(edit_url(world.post), form_data(title="Second version"))
    html = (
        login(world.author)
        .get(reverse("dashboard:post_revisions", args=[world.blog.slug, world.post.pk]))
        .content.decode()
    )
    assert "Second version" in html and "Author&#x27;s post" in html
    assert html.count("Restore this version") == 2


def test_post_without_csrf_token_is_refused(world):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.author)
    assert csrf_client.post(new_post_url(world.blog), form_data()).status_code == 403


def test_editor_form_carries_a_csrf_token(world, login):
    assert "csrfmiddlewaretoken" in login(world.author).get(new_post_url(world.blog)).content.decode()


def test_scheduled_message_shows_the_time(world, login):
    response = login(world.author).post(
        new_post_url(world.blog), form_data("schedule", publish_at="2099-01-01T10:00"), follow=True
    )
    assert "Scheduled for" in response.content.decode()


def test_scheduled_post_is_hidden_from_readers_until_due(world, login, client):
    login(world.author).post(new_post_url(world.blog), form_data("schedule", publish_at="2099-01-01T10:00"))
    post = Post.objects.get(title="Dockers strike")
    client.logout()
    assert client.get(post.get_absolute_url()).status_code == 404
    assert post.published_at > timezone.now()


def test_delete_asks_for_confirmation_first(world, login):
    url = reverse("dashboard:post_delete", args=[world.blog.slug, world.post.pk])
    html = login(world.author).get(url).content.decode()
    assert "Delete for good" in html and Post.objects.filter(pk=world.post.pk).exists()


def test_author_deletes_own_post(world, login):
    url = reverse("dashboard:post_delete", args=[world.blog.slug, world.post.pk])
    response = login(world.author).post(url)
    assert response.status_code == 302 and not Post.objects.filter(pk=world.post.pk).exists()


def test_author_cannot_delete_another_authors_post(world, login, make_post):
    theirs = make_post(world.blog, author=world.editor)
    url = reverse("dashboard:post_delete", args=[world.blog.slug, theirs.pk])
    assert login(world.author).post(url).status_code == 403
    assert Post.objects.filter(pk=theirs.pk).exists()


def test_contributor_cannot_delete_own_published_post(world, login, make_post):
    post = make_post(world.blog, author=world.contributor)
    url = reverse("dashboard:post_delete", args=[world.blog.slug, post.pk])
    assert login(world.contributor).post(url).status_code == 403


def test_allow_comments_is_ticked_in_a_new_posts_editor(world, login):
    response = login(world.author).get(new_post_url(world.blog))
    assert 'name="allow_comments"' in response.content.decode() and response.context["form"]["allow_comments"].value()


def test_allow_comments_unticked_closes_comments_on_the_post(world, login):
    data = form_data(title=world.post.title)
    del data["allow_comments"]  # an unticked checkbox is not sent
    login(world.author).post(edit_url(world.post), data)
    assert comment_services.post_switch_open(world.post) is False


def test_allow_comments_ticked_reopens_comments_on_the_post(world, login):
    comment_services.set_post_open(world.post, False)
    login(world.author).post(edit_url(world.post), form_data(title=world.post.title))
    # As the next request reads it (world.post keeps the switch it was given above).
    assert comment_services.post_switch_open(Post.objects.get(pk=world.post.pk)) is True


def test_allow_comments_is_saved_with_a_new_post(world, login):
    data = form_data(title="Closed thread")
    del data["allow_comments"]
    login(world.author).post(new_post_url(world.blog), data)
    assert comment_services.post_switch_open(Post.objects.get(title="Closed thread")) is False


def test_allow_comments_shows_unticked_for_a_post_with_comments_closed(world, login):
    comment_services.set_post_open(world.post, False)
    response = login(world.author).get(edit_url(world.post))
    assert response.context["form"]["allow_comments"].value() is False


def test_allow_comments_is_not_on_the_page_editor(world, login):
    response = login(world.editor).get(reverse("dashboard:page_edit", args=[world.blog.slug, world.page.pk]))
    assert 'name="allow_comments"' not in response.content.decode()

from django.urls import reverse

from samizdat.posts.models import Post


def page_data(action="save", **fields):
    data = {
        "title": "Contact",
        "source": "Write to us.",
        "excerpt": "",
        "slug": "",
        "parent": "",
        "menu_order": "0",
        "publish_at": "",
        "featured_image": "",
        "action": action,
    }
    data.update(fields)
    return data


def test_page_is_published_with_parent_and_menu_order(world, login):
    url = reverse("dashboard:page_create", args=[world.blog.slug])
    login(world.editor).post(url, page_data("publish", parent=world.page.pk, menu_order="3"))
    page = Post.objects.pages().get(title="Contact")
    assert (page.parent, page.menu_order, page.status) == (world.page, 3, Post.Status.PUBLISHED)


def test_page_cannot_become_its_own_parent(world, login):
    url = reverse("dashboard:page_edit", args=[world.blog.slug, world.page.pk])
    response = login(world.editor).post(url, page_data(parent=world.page.pk))
    assert "Select a valid choice" in response.content.decode()


def test_page_cannot_move_below_its_own_grandchild(world, login):
    page = dict(blog=world.blog, kind=Post.Kind.PAGE, author=world.editor)
    child = Post.objects.create(**page, title="Child", slug="child", parent=world.page)
    grandchild = Post.objects.create(**page, title="Grandchild", slug="grandchild", parent=child)
    url = reverse("dashboard:page_edit", args=[world.blog.slug, world.page.pk])
    response = login(world.editor).post(url, page_data(title=world.page.title, parent=grandchild.pk))
    assert "Select a valid choice" in response.content.decode()
    world.page.refresh_from_db()
    assert world.page.parent is None


def test_page_cannot_take_an_address_the_blog_uses(world, login):
    url = reverse("dashboard:page_create", args=[world.blog.slug])
    response = login(world.editor).post(url, page_data(slug="search"))
    assert "taken by the blog’s own pages" in response.content.decode()


def test_page_list_shows_pages_not_posts(world, login):
    html = login(world.editor).get(reverse("dashboard:page_list", args=[world.blog.slug])).content.decode()
    assert "About" in html and "Author&#x27;s post" not in html


def test_page_editor_has_no_tags(world, login):
    html = login(world.editor).get(reverse("dashboard:page_create", args=[world.blog.slug])).content.decode()
    assert 'name="tags"' not in html and 'name="parent"' in html

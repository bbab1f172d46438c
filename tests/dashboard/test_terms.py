from django.urls import reverse

from samizdat.posts.models import Category, Tag


def test_tag_is_created_with_a_slug_from_its_name(world, login):
    login(world.editor).post(
        reverse("dashboard:tag_list", args=[world.blog.slug]), {"name": "Дальний порт", "slug": ""}
    )
    assert Tag.objects.get(blog=world.blog, name="Дальний порт").slug == "дальний-порт"


def test_duplicate_tag_is_refused_and_input_kept(world, login):
    response = login(world.editor).post(
        reverse("dashboard:tag_list", args=[world.blog.slug]), {"name": "Strike again", "slug": "strike"}
    )
    html = response.content.decode()
    assert "already has one at the address" in html and 'value="Strike again"' in html
    assert Tag.objects.filter(blog=world.blog).count() == 1


def test_tag_is_renamed(world, login):
    url = reverse("dashboard:tag_edit", args=[world.blog.slug, world.tag.pk])
    login(world.editor).post(url, {"name": "General strike", "slug": "general-strike"})
    world.tag.refresh_from_db()
    assert (world.tag.name, world.tag.slug) == ("General strike", "general-strike")


def test_tag_is_deleted(world, login):
    login(world.editor).post(reverse("dashboard:tag_delete", args=[world.blog.slug, world.tag.pk]))
    assert not Tag.objects.filter(pk=world.tag.pk).exists()


def test_category_is_created_under_a_parent(world, login):
    url = reverse("dashboard:category_list", args=[world.blog.slug])
    login(world.editor).post(
        url, {"name": "Docks", "slug": "", "parent": world.category.pk, "description": ""}
    )
    assert Category.objects.get(name="Docks").parent == world.category


def test_category_cannot_move_under_its_own_child(world, login):
    child = Category.objects.create(blog=world.blog, name="Docks", slug="docks", parent=world.category)
    url = reverse("dashboard:category_edit", args=[world.blog.slug, world.category.pk])
    response = login(world.editor).post(
        url, {"name": "News", "slug": "news", "parent": child.pk, "description": ""}
    )
    assert "Select a valid choice" in response.content.decode()
    world.category.refresh_from_db()
    assert world.category.parent is None


def test_category_list_shows_the_tree(world, login):
    Category.objects.create(blog=world.blog, name="Docks", slug="docks", parent=world.category)
    html = (
        login(world.editor).get(reverse("dashboard:category_list", args=[world.blog.slug])).content.decode()
    )
    assert html.index(">News</a>") < html.index(">Docks</a>") and "(in News)" in html


def test_deleting_a_category_moves_its_children_up(world, login):
    parent = Category.objects.create(blog=world.blog, name="World", slug="world")
    world.category.parent = parent
    world.category.save()
    child = Category.objects.create(blog=world.blog, name="Docks", slug="docks", parent=world.category)
    login(world.editor).post(reverse("dashboard:category_delete", args=[world.blog.slug, world.category.pk]))
    child.refresh_from_db()
    assert child.parent == parent and not Category.objects.filter(pk=world.category.pk).exists()

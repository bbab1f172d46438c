import io
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from samizdat.posts.media import store_upload
from samizdat.posts.models import Media


def png(width=40, height=30):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 30)).save(out, format="PNG")
    return SimpleUploadedFile("picket.png", out.getvalue(), "image/png")


def test_upload_stores_the_file_with_its_alt_text(world, login):
    url = reverse("dashboard:media_list", args=[world.blog.slug])
    response = login(world.author).post(url, {"file": png(), "alt": "Pickets at the gate"})
    media = Media.objects.get(original_name="picket.png")
    assert response.status_code == 302
    assert (media.blog, media.uploaded_by, media.alt) == (world.blog, world.author, "Pickets at the gate")


def test_oversize_upload_is_refused_with_a_clear_message_and_alt_kept(world, login, settings):
    settings.SAMIZDAT_MAX_UPLOAD_BYTES = 100
    url = reverse("dashboard:media_list", args=[world.blog.slug])
    response = login(world.author).post(url, {"file": png(400, 400), "alt": "Pickets"})
    html = response.content.decode()
    assert response.status_code == 200 and "the limit is" in html and 'value="Pickets"' in html
    assert not Media.objects.filter(original_name="picket.png").exists()


def test_unknown_file_type_is_refused_with_a_clear_message(world, login):
    url = reverse("dashboard:media_list", args=[world.blog.slug])
    response = login(world.author).post(url, {"file": SimpleUploadedFile("run.exe", b"MZ"), "alt": ""})
    assert "are not accepted" in response.content.decode()


def test_alt_text_is_changed(world, login):
    url = reverse("dashboard:media_edit", args=[world.blog.slug, world.media.pk])
    login(world.author).post(url, {"alt": "A green square"})
    world.media.refresh_from_db()
    assert world.media.alt == "A green square"


def test_deleting_media_removes_its_files(world, login):
    media = store_upload(world.blog, world.author, png(2000, 1000))
    paths = [media.file.path] + [media.file.storage.path(n) for n in media.renditions.values()]
    login(world.author).post(reverse("dashboard:media_delete", args=[world.blog.slug, media.pk]))
    assert not Media.objects.filter(pk=media.pk).exists()
    assert not any(os.path.exists(p) for p in paths)


def test_author_cannot_delete_someone_elses_upload(world, login):
    theirs = Media.objects.create(
        blog=world.blog,
        uploaded_by=world.editor,
        file="uploads/y.png",
        original_name="y.png",
        content_type="image/png",
    )
    response = login(world.author).post(reverse("dashboard:media_delete", args=[world.blog.slug, theirs.pk]))
    assert response.status_code == 403 and Media.objects.filter(pk=theirs.pk).exists()


def test_featured_image_is_picked_from_the_blogs_media(world, login):
    url = reverse("dashboard:post_edit", args=[world.blog.slug, world.post.pk])
    login(world.author).post(
        url,
        {
            "title": "With a picture",
            "source": "x",
            "excerpt": "",
            "slug": "",
            "tags": "",
            "publish_at": "",
            "featured_image": world.media.pk,
            "action": "save",
        },
    )
    world.post.refresh_from_db()
    assert world.post.featured_image == world.media


def test_featured_image_of_another_blog_is_refused(world, login):
    foreign = Media.objects.create(
        blog=world.other_blog, file="uploads/z.png", original_name="z.png", content_type="image/png"
    )
    url = reverse("dashboard:post_edit", args=[world.blog.slug, world.post.pk])
    response = login(world.author).post(
        url,
        {
            "title": "x",
            "source": "x",
            "excerpt": "",
            "slug": "",
            "tags": "",
            "publish_at": "",
            "featured_image": foreign.pk,
            "action": "save",
        },
    )
    assert "Select a valid choice" in response.content.decode()

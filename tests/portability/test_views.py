"""The dashboard's import page."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samizdat.posts.models import Post

from .conftest import item, wxr


def upload(data):
    return {"file": SimpleUploadedFile("export.xml", data, content_type="text/xml")}


def test_import_page_imports_upload_and_shows_summary(make_blog, make_user, client):
    owner = make_user()
    blog = make_blog("union", owner=owner)
    client.force_login(owner)
    response = client.post(reverse("dashboard:import", args=[blog.slug]), upload(wxr(item(1, "Hello", slug="hello"))))
    assert response.status_code == 200 and "1 post" in response.content.decode()
    assert Post.objects.filter(blog=blog, slug="hello").exists()


def test_import_page_shows_where_a_broken_file_stopped(make_blog, make_user, client):
    owner = make_user()
    blog = make_blog("union", owner=owner)
    client.force_login(owner)
    response = client.post(reverse("dashboard:import", args=[blog.slug]), upload(b"<rss><channel>"))
    assert "could not be read past line 1" in response.content.decode()


def test_import_page_refuses_file_over_limit(make_blog, make_user, client, settings):
    settings.SAMIZDAT_IMPORT_MAX_BYTES = 100
    owner = make_user()
    blog = make_blog("union", owner=owner)
    client.force_login(owner)
    response = client.post(reverse("dashboard:import", args=[blog.slug]), upload(wxr(item(1, "Hello"))))
    assert response.status_code == 400 and "samizdat import-wxr" in response.content.decode()
    assert not Post.objects.exists()

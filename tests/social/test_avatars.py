"""Avatars: identicons drawn here, uploaded pictures made square without metadata, the profile page."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from samizdat.social import services
from samizdat.social.avatars import AVATAR_PIXELS, identicon_svg
from samizdat.social.models import Avatar


def photo(width=400, height=300, fmt="JPEG", name="me.jpg", gps=True):
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    if gps:
        exif[0x8825] = {1: "N", 2: (55.0, 45.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def stored(user):
    with default_storage.open(Avatar.objects.get(user=user).image.name) as f:
        return Image.open(io.BytesIO(f.read()))


def test_identicon_is_the_same_for_the_same_user():
    assert identicon_svg(7, 32, "Ana") == identicon_svg(7, 32, "Ana")


def test_identicons_of_different_users_differ():
    assert len({identicon_svg(pk, 32, "x") for pk in range(1, 30)}) == 29


def test_identicon_is_inline_svg_naming_its_person_and_fetching_nothing():
    svg = str(identicon_svg(7, 32, "Ana <Petrova>"))
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-label="Ana &lt;Petrova&gt;"' in svg
    assert "http" not in svg and "href" not in svg


def test_set_avatar_stores_a_square_of_the_avatar_size(reader):
    services.set_avatar(reader, photo(400, 300))
    assert stored(reader).size == (AVATAR_PIXELS, AVATAR_PIXELS)


def test_set_avatar_strips_camera_and_location_data(reader):
    services.set_avatar(reader, photo())
    image = stored(reader)
    assert not image.getexif() and "exif" not in image.info


def test_set_avatar_stores_under_a_name_that_hides_the_username(reader):
    services.set_avatar(reader, photo())
    assert reader.username not in Avatar.objects.get(user=reader).image.name


def test_set_avatar_refuses_a_file_that_is_not_an_image(reader):
    with pytest.raises(ValidationError):
        services.set_avatar(reader, SimpleUploadedFile("me.jpg", b"not an image at all"))
    assert not Avatar.objects.exists()


def test_set_avatar_again_deletes_the_old_picture(reader):
    services.set_avatar(reader, photo())
    old = Avatar.objects.get(user=reader).image.name
    services.set_avatar(reader, photo(name="new.jpg"))
    assert not default_storage.exists(old)
    assert Avatar.objects.filter(user=reader).count() == 1


def test_remove_avatar_deletes_the_picture(reader):
    services.set_avatar(reader, photo())
    name = Avatar.objects.get(user=reader).image.name
    services.remove_avatar(reader)
    assert not default_storage.exists(name) and not Avatar.objects.exists()


def test_post_page_shows_an_uploaded_avatar_from_our_host(client, post, reader):
    services.set_avatar(reader, photo())
    services.like_post(reader, post)
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'<img class="avatar" src="/media/{Avatar.objects.get().image.name}"' in html


def test_profile_screen_uploads_an_avatar(client, reader):
    client.force_login(reader)
    response = client.post(
        reverse("dashboard:profile"), {"display_name": "Rita", "bio": "Night shift.", "avatar": photo()}
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.display_name == "Rita" and reader.bio == "Night shift."
    assert Avatar.objects.filter(user=reader).exists()


def test_profile_screen_goes_back_to_the_identicon(client, reader):
    services.set_avatar(reader, photo())
    client.force_login(reader)
    client.post(reverse("dashboard:profile"), {"display_name": "Rita", "remove_avatar": "on"})
    assert not Avatar.objects.exists()


def test_profile_screen_refuses_a_broken_picture_and_keeps_the_name(client, reader):
    client.force_login(reader)
    broken = SimpleUploadedFile("me.png", b"\x89PNG not really", content_type="image/png")
    response = client.post(reverse("dashboard:profile"), {"display_name": "Rita", "avatar": broken})
    assert response.status_code == 200 and response.context["form"].errors["avatar"]
    reader.refresh_from_db()
    assert reader.display_name == "Rita Reader"


def test_profile_page_shows_name_bio_avatar_and_owned_blogs(client, make_user, make_blog):
    ana = make_user("ana", display_name="Ana Petrova")
    ana.bio = "Dock worker."
    ana.save()
    make_blog("dockers", title="Dockers' Union", owner=ana)
    html = client.get(reverse("social:profile", args=["ana"])).content.decode()
    assert "Ana Petrova" in html and "Dock worker." in html
    assert 'href="/@dockers/"' in html and "<svg class=\"avatar\"" in html


def test_profile_page_is_at_tilde_username(make_user):
    assert reverse("social:profile", args=["ana"]) == "/~ana/"


def test_profile_page_of_an_unknown_user_is_not_found(client, db):
    assert client.get("/~nobody/").status_code == 404


def test_profile_screen_offers_the_identicon_only_to_someone_with_a_picture(client, reader):
    client.force_login(reader)
    assert "remove_avatar" not in client.get(reverse("dashboard:profile")).context["form"].fields
    services.set_avatar(reader, photo())
    assert "remove_avatar" in client.get(reverse("dashboard:profile")).context["form"].fields

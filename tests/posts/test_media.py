import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from samizdat.posts.media import store_upload

GPS_IFD = 0x8825


def jpeg_with_gps(width=2000, height=1000):
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[GPS_IFD] = {1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_uploaded_photo_loses_gps_and_camera_metadata(make_blog):
    blog = make_blog()
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the fixture really carries GPS
    media = store_upload(blog, None, SimpleUploadedFile("photo.jpg", data, "image/jpeg"))
    paths = [media.file.path] + [media.file.storage.path(n) for n in media.renditions.values()]
    assert len(paths) == 4  # original and three smaller widths
    for path in paths:
        with open(path, "rb") as fh:
            raw = fh.read()
        stored = Image.open(io.BytesIO(raw))
        assert not stored.getexif(), path
        assert b"SpyCam" not in raw and b"Exif" not in raw


def test_renditions_are_resized_to_their_widths(make_blog):
    media = store_upload(make_blog(), None, SimpleUploadedFile("p.jpg", jpeg_with_gps(), "image/jpeg"))
    for width, name in media.renditions.items():
        assert Image.open(media.file.storage.path(name)).width == int(width)
    assert (media.width, media.height) == (2000, 1000)


def test_upload_over_size_limit_is_refused_with_a_clear_message(make_blog, settings):
    settings.SAMIZDAT_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError, match="limit is"):
        store_upload(make_blog(), None, SimpleUploadedFile("big.jpg", jpeg_with_gps(), "image/jpeg"))


def test_upload_pretending_to_be_an_image_is_refused(make_blog):
    with pytest.raises(ValidationError, match="not an image"):
        store_upload(make_blog(), None, SimpleUploadedFile("evil.jpg", b"<?php system($_GET['c']);", "image/jpeg"))


def test_unknown_file_type_is_refused(make_blog):
    with pytest.raises(ValidationError, match="not accepted"):
        store_upload(make_blog(), None, SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream"))


def test_uploaded_file_is_served_at_its_url(client, make_blog):
    media = store_upload(make_blog(), None, SimpleUploadedFile("p.jpg", jpeg_with_gps(600, 300), "image/jpeg"))
    response = client.get(media.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_media_url_cannot_escape_the_media_folder(client, db, settings):
    (settings.MEDIA_ROOT.parent / "secret_key").write_text("do not serve")
    for path in ("/media/../secret_key", "/media/%2e%2e/secret_key", "/media/..%2fsecret_key"):
        response = client.get(path)
        assert response.status_code in (400, 404), path

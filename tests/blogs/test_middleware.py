"""A blog's language and time zone last as long as the request, not the thread."""

from django.utils import timezone, translation


def test_blog_language_and_time_zone_end_with_the_request(client, make_blog):
    make_blog("auyl", language="kk", time_zone="Asia/Almaty")
    response = client.get("/@auyl/")
    assert response["Content-Language"] == "kk"
    assert translation.get_language() == "en"
    assert timezone.get_current_timezone_name() == "UTC"

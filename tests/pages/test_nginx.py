"""deploy/nginx.conf, run by Debian's nginx on loopback in front of `samizdat serve`."""

import re

import pytest

from tests.instances import free_port, wait_for
from tests.pages.front import answers, fetch, need_nginx, start_nginx, stop
from tests.pages.front_checks import FrontServerChecks, front_site
from tests.s3_peer import s3_peer  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    need_nginx()
    with front_site(tmp_path_factory.mktemp("nginx"), start_nginx) as site:
        yield site


class TestNginx(FrontServerChecks):
    """deploy/nginx.conf in front of `samizdat serve` (tests/pages/front_checks.py)."""


def bucket_media(endpoint, bucket):
    """deploy/nginx.conf with its block for uploads in a bucket in place of the one for the media folder."""

    def edit(conf):
        local = re.search(r"\n    location /media/ \{.*?\n    \}\n", conf, re.S).group(0)
        commented = re.search(r"\n    #location /media/ \{.*?\n    #\}\n", conf, re.S).group(0)
        block = commented.replace("\n    #", "\n    ").replace("http://s3.example.org/BUCKET/", f"{endpoint}/{bucket}/")
        block = block.replace("Host s3.example.org", f"Host {endpoint.removeprefix('http://')}")
        return conf.replace(local, "\n").replace(commented, block)

    return edit


def test_nginx_passes_uploads_on_from_the_bucket_on_its_own_host(s3_peer, tmp_path):
    need_nginx()
    bucket = s3_peer.new_bucket()
    s3_peer.client().put_object(Bucket=bucket, Key="uploads/dock.txt", Body=b"cranes", ContentType="text/plain")
    nginx, base = start_nginx(tmp_path / "nginx", tmp_path, free_port(), edit=bucket_media(s3_peer.endpoint, bucket))
    try:
        assert wait_for(lambda: answers(base + "/media/uploads/dock.txt"), timeout=20), (
            (tmp_path / "nginx" / "error.log").read_text())
        status, headers, body = fetch(base + "/media/uploads/dock.txt")
        assert body == b"cranes" and headers["Content-Type"].startswith("text/plain")
        assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert fetch(base + "/media/uploads/none.txt")[0] == 404
    finally:
        stop(nginx)

"""Debian's nginx on loopback with deploy/nginx.conf, and a plain HTTP client, for the page tests."""

import getpass
import os
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.comments.conftest import free_port
from tests.instances import ROOT, answers, unavailable  # noqa: F401 (used by the page-store tests)

# A blog "news" that publishes comments at once, with one post: prints its id and address.
OPEN_THREAD = """
from samizdat.accounts.services import create_user
from samizdat.blogs.services import create_blog
from samizdat.comments.models import CommentSettings
from samizdat.posts.models import Post
from samizdat.posts.services import publish_post
user = create_user("writer", "a long test passphrase 42", email="writer@example.test")
blog = create_blog("news", "News", owner=user)
CommentSettings.objects.create(blog=blog, policy="open", notify_authors=False)
post = publish_post(Post(blog=blog, author=user, title="Open thread", source="Talk here."), editor=user)
print(post.pk, post.get_absolute_url())
"""
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WRAPPER = """
{user}
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {dir}/tmp; proxy_temp_path {dir}/tmp; fastcgi_temp_path {dir}/tmp;
    uwsgi_temp_path {dir}/tmp; scgi_temp_path {dir}/tmp;
    include {dir}/samizdat.conf;
}}
"""


def need_nginx():
    if not Path(NGINX).exists():
        unavailable("needs Debian's nginx (apt install nginx-light)")


def start_nginx(folder, data_dir, app_port, edit=None, *, app_host="127.0.0.1", host="127.0.0.1", prefix=()):
    """nginx running deploy/nginx.conf, as shipped (or as `edit(text)` changes it, as its comments tell an
    admin to), for `data_dir` and the app at `app_host:app_port`, listening on `host` (run through
    `prefix`, as Instance.start is): (process, base URL)."""
    port = free_port()
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    if edit:
        conf = edit(conf)
    conf = conf.replace("/var/lib/samizdat", str(data_dir)).replace("127.0.0.1:8000", f"{app_host}:{app_port}")
    conf = conf.replace("listen 80 default_server", f"listen {host}:{port} default_server")
    (folder / "tmp").mkdir(parents=True)
    (folder / "samizdat.conf").write_text(conf)
    # Started as root, nginx's workers would become "nobody", who cannot read the test's folders.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(WRAPPER.format(dir=folder, user=user))
    process = subprocess.Popen(
        [*prefix, NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(folder / "nginx.conf")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return process, f"http://{host}:{port}"


def stop(process):
    process.terminate()
    process.wait(timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, data=None, opener=None, **headers):
    """(status, headers, body) of a GET, or of a form POST when `data` is given; redirects not followed."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with (opener or urllib.request.build_opener(NoRedirect)).open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()



"""Debian's nginx on loopback with deploy/nginx.conf, and a plain HTTP client, for the page tests."""

import getpass
import http.cookiejar
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.instances import ROOT, answers, free_port, listens, unavailable, wait_for  # noqa: F401 (answers: page-store tests)

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
    `prefix`, as Instance.start is): (process, base URL) once nginx listens.

    The port is found free, then bound by nginx a moment later: when another process took it meanwhile
    (tests run in parallel), nginx exits and is started again on another port.
    """
    shipped = (ROOT / "deploy" / "nginx.conf").read_text()
    if edit:
        shipped = edit(shipped)
    shipped = shipped.replace("/var/lib/samizdat", str(data_dir)).replace("127.0.0.1:8000", f"{app_host}:{app_port}")
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    # Started as root, nginx's workers would become "nobody", who cannot read the test's folders.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(WRAPPER.format(dir=folder, user=user))
    log = folder / "error.log"
    for _attempt in range(5):
        port = free_port()
        (folder / "samizdat.conf").write_text(
            shipped.replace("listen 80 default_server", f"listen {host}:{port} default_server"))
        process = subprocess.Popen(
            [*prefix, NGINX, "-p", str(folder), "-e", str(log), "-c", str(folder / "nginx.conf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        if wait_for(lambda: process.poll() is not None or listens(port, host), timeout=60) and process.poll() is None:
            return process, f"http://{host}:{port}"
        stop(process)
        if "in use" not in (log.read_text() if log.exists() else ""):
            break
    raise AssertionError(f"nginx did not start:\n{log.read_text()[-3000:] if log.exists() else ''}")


def port_of(base):
    """The port of a base URL such as http://127.0.0.1:8123."""
    return int(base.rsplit(":", 1)[1])


def stop(process):
    if process.poll() is None:
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




def sign_in(base, username="writer", password="a long test passphrase 42"):
    """A browser signed in through `base`'s login form: (opener keeping its cookies, session id)."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    form = fetch(base + "/accounts/login/", opener=browser)[2].decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    status, _, _ = fetch(base + "/accounts/login/", {
        "login": username, "password": password, "csrfmiddlewaretoken": token,
    }, opener=browser)
    assert status == 302, "the sign-in was refused"
    return browser, next(c.value for c in jar if c.name == "sessionid")

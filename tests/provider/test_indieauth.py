"""IndieAuth server, following the W3C spec's flow (§5) with a real client page on loopback."""

import http.server
import threading
from urllib.parse import urlsplit

import pytest
from lxml import html

from samizdat.provider import services

from .conftest import pkce_pair, query_of

CALLBACK = "http://127.0.0.1:9/indie-callback"  # another origin than the client: the client must list it


class ClientPage(http.server.BaseHTTPRequestHandler):
    """The client's home page (its client_id): an h-app naming it and its redirect URI."""

    def do_GET(self):
        body = (f'<!doctype html><html><head><link rel="redirect_uri" href="{CALLBACK}"></head>'
                '<body><div class="h-app"><a class="p-name u-url" href="/">Quill Test</a></div></body></html>')
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def client_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ClientPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]


def start(client, client_id, *, challenge, scope="profile create update media", state="s-42", redirect_uri=CALLBACK,
          **extra):
    return client.get("/indieauth/auth", params=dict(
        response_type="code", client_id=client_id, redirect_uri=redirect_uri, state=state, scope=scope,
        code_challenge=challenge, code_challenge_method="S256", **extra))


def consent(client, page, *, allow=True, me=None, scopes=None):
    form = html.fromstring(page.text).xpath("//main//form")[0]
    data = {i.get("name"): i.get("value") for i in form.xpath(".//input[@type='hidden']")}
    data["me"] = me or form.xpath(".//select[@name='me']/option[@selected]/@value")[0]
    data["scope"] = scopes if scopes is not None else form.xpath(".//input[@name='scope']/@value")
    if allow:
        data["allow"] = "on"
    return client.post(form.get("action"), data=data)


def code_for(reader, client_site, challenge, **kwargs):
    page = start(reader, client_site, challenge=challenge, **{k: v for k, v in kwargs.items() if k != "me"})
    assert page.status_code == 200, page.text[:300]
    answer = consent(reader, page, me=kwargs.get("me"))
    assert answer.status_code == 302 and answer.headers["location"].startswith(CALLBACK)
    return query_of(answer.headers["location"])


def redeem(http_client, client_site, code, verifier, endpoint="/indieauth/token"):
    return http_client.post(endpoint, data=dict(
        grant_type="authorization_code", code=code, client_id=client_site, redirect_uri=CALLBACK,
        code_verifier=verifier), headers={"Accept": "application/json"})


def test_profile_page_advertises_the_metadata_endpoint(http_client, make_user, live_server):
    user = make_user()
    page = http_client.get(f"/~{user.username}/")
    metadata_url = live_server.url + "/indieauth/metadata"
    assert f'<{metadata_url}>; rel="indieauth-metadata"' in page.headers["link"]
    assert html.fromstring(page.text).xpath('//link[@rel="indieauth-metadata"]/@href') == [metadata_url]
    metadata = http_client.get("/indieauth/metadata").json()
    assert metadata["issuer"] == live_server.url + "/"
    assert metadata_url.startswith(metadata["issuer"])
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert {"create", "update", "delete", "media"} <= set(metadata["scopes_supported"])


def test_blog_home_advertises_the_metadata_endpoint(http_client, make_blog, live_server):
    blog = make_blog()
    page = http_client.get(f"/@{blog.slug}/")
    assert f'<{live_server.url}/indieauth/metadata>; rel="indieauth-metadata"' in page.headers["link"]
    # The second read may come from the stored page, without our header: the HTML still says it.
    for page in (page, http_client.get(f"/@{blog.slug}/")):
        links = html.fromstring(page.text).xpath('//link[@rel="indieauth-metadata"]/@href')
        assert links == [f"{live_server.url}/indieauth/metadata"]


def test_micropub_client_gets_a_token_for_the_profile_url(signed_in, http_client, client_site, live_server):
    reader = signed_in()
    verifier, challenge = pkce_pair()
    page = start(reader, client_site, challenge=challenge)
    assert "Sign in to Quill Test?" in page.text  # the name from the client's h-app
    answer = consent(reader, page)
    answer = query_of(answer.headers["location"])
    assert answer["state"] == "s-42" and answer["iss"] == live_server.url + "/"
    tokens = redeem(http_client, client_site, answer["code"], verifier)
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    me = f"{live_server.url}/~{reader.user.username}/"
    assert body["me"] == me and body["token_type"] == "Bearer"
    assert set(body["scope"].split()) == {"profile", "create", "update", "media"}
    assert body["profile"]["name"] == "Ana Petrova"

    grant = services.bearer_grant(body["access_token"])
    assert grant.user == reader.user and grant.me == me and "create" in grant.scopes
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    verified = http_client.get("/indieauth/token", headers=bearer).json()
    assert verified == {"me": me, "client_id": client_site, "scope": "create media profile update"}
    introspected = http_client.post("/indieauth/introspect", data={"token": body["access_token"]}, headers=bearer).json()
    assert introspected["active"] is True and introspected["me"] == me

    assert client_site in reader.get("/oauth/apps/").text  # listed under Connected applications

    assert http_client.post("/indieauth/revoke", data={"token": body["access_token"]}).status_code == 200
    assert services.bearer_grant(body["access_token"]) is None
    assert http_client.get("/indieauth/token", headers=bearer).status_code == 401


def test_unchecked_scopes_are_not_granted(signed_in, http_client, client_site):
    reader = signed_in()
    verifier, challenge = pkce_pair()
    page = start(reader, client_site, challenge=challenge)
    answer = query_of(consent(reader, page, scopes=["create"]).headers["location"])
    assert redeem(http_client, client_site, answer["code"], verifier).json()["scope"] == "create"


def test_me_can_be_a_blog_the_user_owns(signed_in, http_client, client_site, make_blog, live_server):
    reader = signed_in()
    blog = make_blog(owner=reader.user)
    blog_url = f"{live_server.url}/@{blog.slug}/"
    verifier, challenge = pkce_pair()
    answer = code_for(reader, client_site, challenge, me=blog_url)
    assert redeem(http_client, client_site, answer["code"], verifier).json()["me"] == blog_url


def test_someone_elses_blog_cannot_be_me(signed_in, client_site, make_blog, live_server):
    reader = signed_in()
    other = make_blog()
    page = start(reader, client_site, challenge=pkce_pair()[1])
    response = consent(reader, page, me=f"{live_server.url}/@{other.slug}/")
    assert response.status_code == 400 and "location" not in response.headers


def test_profile_only_code_is_redeemed_at_the_authorization_endpoint(signed_in, http_client, client_site, live_server):
    reader = signed_in()
    verifier, challenge = pkce_pair()
    answer = code_for(reader, client_site, challenge, scope="")
    assert redeem(http_client, client_site, answer["code"], verifier, endpoint="/indieauth/auth").json() == {
        "me": f"{live_server.url}/~{reader.user.username}/"
    }


def test_code_without_scopes_gives_no_access_token(signed_in, http_client, client_site):
    reader = signed_in()
    verifier, challenge = pkce_pair()
    answer = code_for(reader, client_site, challenge, scope="")
    response = redeem(http_client, client_site, answer["code"], verifier)
    assert response.status_code == 400 and "access_token" not in response.json()


def test_wrong_code_verifier_is_refused(signed_in, http_client, client_site):
    reader = signed_in()
    answer = code_for(reader, client_site, pkce_pair()[1])
    response = redeem(http_client, client_site, answer["code"], pkce_pair()[0])
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_replayed_code_is_refused_and_revokes_its_token(signed_in, http_client, client_site):
    reader = signed_in()
    verifier, challenge = pkce_pair()
    answer = code_for(reader, client_site, challenge)
    token = redeem(http_client, client_site, answer["code"], verifier).json()["access_token"]
    replay = redeem(http_client, client_site, answer["code"], verifier)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert services.bearer_grant(token) is None


def test_missing_pkce_is_sent_back_as_invalid_request(signed_in, client_site):
    reader = signed_in()
    response = reader.get("/indieauth/auth", params=dict(
        response_type="code", client_id=client_site, redirect_uri=CALLBACK, state="x"))
    answer = query_of(response.headers["location"])
    assert answer["error"] == "invalid_request" and answer["state"] == "x"


def test_redirect_uri_the_client_does_not_list_is_refused_without_redirect(signed_in, client_site):
    reader = signed_in()
    response = start(reader, client_site, challenge=pkce_pair()[1], redirect_uri="http://evil.test/steal")
    assert response.status_code == 400 and "location" not in response.headers
    assert "does not own" in response.text


def test_denying_sends_access_denied(signed_in, client_site):
    reader = signed_in()
    page = start(reader, client_site, challenge=pkce_pair()[1])
    answer = query_of(consent(reader, page, allow=False).headers["location"])
    assert answer["error"] == "access_denied" and answer["state"] == "s-42"


def test_introspection_needs_a_token(http_client):
    assert http_client.post("/indieauth/introspect", data={"token": "x"}).status_code == 401


def test_consent_page_allows_the_redirect_as_a_form_target(signed_in, client_site):
    reader = signed_in()
    page = start(reader, client_site, challenge=pkce_pair()[1])
    assert "form-action 'self' http://127.0.0.1:9;" in page.headers["content-security-policy"]
    assert urlsplit(CALLBACK).netloc == "127.0.0.1:9"


def test_posting_client_gets_the_owned_blog_preselected(signed_in, client_site, make_blog, live_server):
    reader = signed_in()
    blog = make_blog(owner=reader.user)
    page = start(reader, client_site, challenge=pkce_pair()[1], scope="create")
    selected = html.fromstring(page.text).xpath("//select[@name='me']/option[@selected]/@value")
    assert selected == [f"{live_server.url}/@{blog.slug}/"]
    page = start(reader, client_site, challenge=pkce_pair()[1], scope="profile")
    selected = html.fromstring(page.text).xpath("//select[@name='me']/option[@selected]/@value")
    assert selected == [f"{live_server.url}/~{reader.user.username}/"]

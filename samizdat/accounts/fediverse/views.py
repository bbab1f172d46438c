from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2Adapter, OAuth2CallbackView, OAuth2LoginView
from allauth.utils import build_absolute_uri
from django.http import Http404
from django.urls import reverse


class FediverseOAuth2Adapter(OAuth2Adapter):
    """The Mastodon client API's OAuth 2 (docs.joinmastodon.org/methods/oauth/), on the app's server."""

    provider_id = "fediverse"

    def __init__(self, request, provider_id):
        self.provider_id = provider_id
        super().__init__(request)

    @property
    def server(self):
        return self.get_provider().app.settings["origin"]

    @property
    def authorize_url(self):
        return f"{self.server}/oauth/authorize"

    @property
    def access_token_url(self):
        return f"{self.server}/oauth/token"

    def get_callback_url(self, request, app):
        return build_absolute_uri(request, reverse("fediverse_callback", kwargs={"provider_id": self.provider_id}))

    def complete_login(self, request, app, token, **kwargs):
        with get_adapter().get_requests_session() as session:
            response = session.get(
                f"{self.server}/api/v1/accounts/verify_credentials",
                headers={"Authorization": f"Bearer {token.token}"},
            )
            response.raise_for_status()
            data = response.json()
        if not isinstance(data, dict) or "id" not in data:
            raise ValueError("the server's account answer has no id")
        return self.get_provider().sociallogin_from_response(request, data)


def login(request, provider_id):
    try:
        return OAuth2LoginView.adapter_view(FediverseOAuth2Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


def callback(request, provider_id):
    try:
        return OAuth2CallbackView.adapter_view(FediverseOAuth2Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None

from urllib.parse import urlsplit

from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider
from django.urls import reverse
from django.utils.http import urlencode

from .views import FediverseOAuth2Adapter


class FediverseAccount(ProviderAccount):
    def get_profile_url(self):
        return self.account.extra_data.get("url")


class FediverseProvider(OAuth2Provider):
    """One sub-provider per server, as allauth's OpenID Connect provider has one per issuer."""

    id = "fediverse"
    name = "Fediverse"
    account_class = FediverseAccount
    oauth2_adapter_class = FediverseOAuth2Adapter
    pkce_enabled_default = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = self.app.name

    def get_login_url(self, request, **kwargs):
        url = reverse("fediverse_login", kwargs={"provider_id": self.app.provider_id})
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse("fediverse_callback", kwargs={"provider_id": self.app.provider_id})

    def get_oauth2_adapter(self, request):
        return self.oauth2_adapter_class(request, self.app.provider_id)

    def get_default_scope(self):
        return ["read:accounts"]

    def extract_uid(self, data):
        # The account id is only unique on its server; the app (one per server) keeps them apart,
        # and the full address says who it is.
        return f"{data['id']}@{urlsplit(self.app.settings['origin']).netloc}"

    def extract_common_fields(self, data):
        return {"username": data.get("username"), "name": data.get("display_name") or data.get("username")}

    def extract_email_addresses(self, data):
        return []  # the Mastodon API gives none: fediverse identities never link by address


provider_classes = [FediverseProvider]

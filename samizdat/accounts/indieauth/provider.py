from urllib.parse import urlsplit

from allauth.socialaccount.providers.base import Provider, ProviderAccount
from django.urls import reverse


class IndieAuthAccount(ProviderAccount):
    def get_profile_url(self):
        return self.account.uid

    def to_str(self):
        return self.account.uid


class IndieAuthProvider(Provider):
    """No app to register: the client is identified by our own address (IndieAuth §4.2)."""

    id = "indieauth"
    name = "IndieAuth"
    account_class = IndieAuthAccount
    uses_apps = False

    def get_login_url(self, request, **kwargs):
        return reverse("accounts:login")

    def extract_uid(self, data):
        return data["me"]

    def extract_common_fields(self, data):
        return {"name": data.get("name") or urlsplit(data["me"]).netloc, "username": urlsplit(data["me"]).hostname}

    def extract_email_addresses(self, data):
        return []  # a website proves no address: IndieAuth identities never link by email


provider_classes = [IndieAuthProvider]

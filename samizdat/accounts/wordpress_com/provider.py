from allauth.account.models import EmailAddress
from allauth.core.internal.datakit import parse_bool_safely
from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider

from .views import WordPressComOAuth2Adapter


class WordPressComAccount(ProviderAccount):
    def get_profile_url(self):
        return self.account.extra_data.get("profile_URL")


class WordPressComProvider(OAuth2Provider):
    id = "wordpress_com"
    name = "WordPress.com"
    account_class = WordPressComAccount
    oauth2_adapter_class = WordPressComOAuth2Adapter

    def get_default_scope(self):
        return ["auth"]

    def extract_uid(self, data):
        return str(data["ID"])

    def extract_common_fields(self, data):
        return {"email": data.get("email"), "username": data.get("username"), "name": data.get("display_name")}

    def extract_email_addresses(self, data):
        if not data.get("email"):
            return []
        return [EmailAddress(email=data["email"], primary=True, verified=parse_bool_safely(data.get("email_verified")))]


provider_classes = [WordPressComProvider]

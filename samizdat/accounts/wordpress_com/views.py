from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2Adapter, OAuth2CallbackView, OAuth2LoginView

API = "https://public-api.wordpress.com"


class WordPressComOAuth2Adapter(OAuth2Adapter):
    provider_id = "wordpress_com"
    access_token_url = f"{API}/oauth2/token"
    authorize_url = f"{API}/oauth2/authorize"
    profile_url = f"{API}/rest/v1.1/me"

    def complete_login(self, request, app, token, **kwargs):
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, headers={"Authorization": f"Bearer {token.token}"})
            response.raise_for_status()
            data = response.json()
        return self.get_provider().sociallogin_from_response(request, data)


oauth2_login = OAuth2LoginView.adapter_view(WordPressComOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(WordPressComOAuth2Adapter)

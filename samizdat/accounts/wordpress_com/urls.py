from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from .provider import WordPressComProvider

urlpatterns = default_urlpatterns(WordPressComProvider)

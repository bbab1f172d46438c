"""django-oauth-toolkit's validator with our users' claims (OpenID Connect Core §5.1, §5.4)."""

from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings

from . import claims


class SamizdatOAuth2Validator(OAuth2Validator):
    def get_additional_claims(self, request):
        # DOT keeps each claim only when its scope (oidc_claim_scope) was granted: email needs
        # `email`, the rest `profile`.
        return claims.user_claims(request.user, oauth2_settings.oidc_issuer(request))

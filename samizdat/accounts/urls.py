from allauth.account.views import LogoutView
from django.urls import include, path

from . import views

app_name = "accounts"

# Mounted at /accounts/ before allauth's own URLs: these paths are allauth's (so its names, such as
# account_signup, point here too), with our rate limits in front.
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("signup/", views.LimitedSignupView.as_view(), name="signup"),
    path("password/reset/", views.LimitedPasswordResetView.as_view(), name="password_reset"),
    path("reauthenticate/", views.LimitedReauthenticateView.as_view(), name="reauthenticate"),
    path("2fa/reauthenticate/", views.LimitedMfaReauthenticateView.as_view(), name="mfa_reauthenticate"),
    # Google One Tap's token endpoint takes POSTs without a CSRF token; our pages never use it.
    path("google/login/token/", views.not_offered),
    path("fediverse/", views.fediverse_sign_in, name="fediverse"),
    path("indieauth/", views.indieauth_sign_in, name="indieauth"),
    path("", include("samizdat.accounts.indieauth.urls")),
    path("", include("samizdat.accounts.fediverse.urls")),
    path("2fa/authenticate/", views.LimitedAuthenticateView.as_view(), name="mfa_authenticate"),
]

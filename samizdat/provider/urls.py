from django.urls import path

from . import indieauth_views, views

app_name = "provider"

urlpatterns = [
    path("oauth/apps/", views.connected_apps, name="connected-apps"),
    path("oauth/picture/<int:user_id>.svg", views.picture, name="picture"),
    path("indieauth/metadata", indieauth_views.metadata, name="indieauth-metadata"),
    path("indieauth/auth", indieauth_views.AuthorizeView.as_view(), name="indieauth-authorize"),
    path("indieauth/auth/consent", indieauth_views.consent, name="indieauth-consent"),
    path("indieauth/revoke", indieauth_views.revoke, name="indieauth-revoke"),
    path("indieauth/token", indieauth_views.token, name="indieauth-token"),
    path("indieauth/introspect", indieauth_views.introspect, name="indieauth-introspect"),
]

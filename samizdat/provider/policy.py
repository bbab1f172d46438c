"""Per-client rules that DOT asks for while the settings load, so they avoid importing models."""

from django.apps import apps


def pkce_required(client_id):
    """PKCE for every client but a confidential one (public clients cannot keep a secret)."""
    application = apps.get_model("oauth2_provider", "Application")
    return not application.objects.filter(
        client_id=client_id, client_type=application.CLIENT_CONFIDENTIAL
    ).exists()

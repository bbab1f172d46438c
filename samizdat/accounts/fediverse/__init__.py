"""Sign-in with a fediverse account: any server with the Mastodon client API (Mastodon, Pleroma,
Akkoma, GoToSocial, ...). The instance registers itself as an OAuth app on the reader's server the
first time someone from there signs in (POST /api/v1/apps) and keeps that app as an allauth
SocialApp per server (see samizdat.accounts.fediverse_apps)."""

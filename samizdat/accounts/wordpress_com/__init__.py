"""Sign-in with WordPress.com (OAuth 2), which django-allauth does not ship: its API documentation
is at developer.wordpress.com/docs/oauth2/ and /docs/api/1.1/get/me/."""

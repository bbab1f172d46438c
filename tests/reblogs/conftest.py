from tests.loopback_site import _loopback_site, web  # noqa: F401  (fixtures)

from tests.comments.conftest import immediate_tasks  # noqa: F401  (fixtures)
from tests.loopback_site import _loopback_site, web  # noqa: F401  (fixtures)

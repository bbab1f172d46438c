"""Samizdat settings: every value can be set from the environment (see docs/settings.md)."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("SAMIZDAT_DATA_DIR", Path.cwd() / "var")).resolve()


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("SAMIZDAT_DEBUG", False)
SECRET_KEY = os.environ.get("SAMIZDAT_SECRET_KEY", "")
if not SECRET_KEY:
    # A per-data-directory key, made once, so a fresh install runs without setup
    # and restarts keep sessions valid.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        import tempfile

        from django.core.management.utils import get_random_secret_key

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        # Written aside (mode 0600), then linked into place: processes starting at once on a fresh
        # data directory (an app server and a worker) never read a half-written key, and all use the
        # first one linked.
        fd, aside = tempfile.mkstemp(dir=DATA_DIR, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as f:
                f.write(get_random_secret_key())
            try:
                os.link(aside, key_file)
            except FileExistsError:
                pass
        finally:
            os.unlink(aside)
    SECRET_KEY = key_file.read_text().strip()

# The instance's own host names. Blogs' custom domains are added in the dashboard, so Django's
# check is open and samizdat.blogs.middleware.BlogDomainMiddleware refuses any other host.
SAMIZDAT_HOSTS = [h for h in os.environ.get("SAMIZDAT_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
ALLOWED_HOSTS = ["*"]
# The public origin of this instance, used for absolute links in feeds and sitemaps
# when there is no request (tasks, CLI).
SITE_URL = os.environ.get("SAMIZDAT_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SAMIZDAT_SITE_NAME", "Samizdat")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.sitemaps",
    "huey.contrib.djhuey",
    "samizdat.core",
    "samizdat.accounts",
    "samizdat.blogs",
    "samizdat.pages",
    "samizdat.posts",
    "samizdat.comments",
    "samizdat.social",
    "samizdat.reblogs",
    "samizdat.reader",
    "samizdat.feeds",
    "samizdat.federation",
    "samizdat.dashboard",
    "samizdat.api",
    # django-ninja: its Swagger UI files are served from our own host, never a CDN.
    "ninja",
    "samizdat.portability",
    "samizdat.provider",
    "oauth2_provider",
    "samizdat.demo",
    # After our apps, so that our templates replace allauth's.
    # Accounts: django-allauth for sign-up, email verification, password reset, two-factor
    # (TOTP and recovery codes), the list of one's sessions, and sign-in with outside accounts.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.facebook",
    "allauth.socialaccount.providers.twitter_oauth2",
    "samizdat.accounts.wordpress_com",
    "samizdat.accounts.fediverse",
    "samizdat.accounts.indieauth",
]

MIDDLEWARE = [
    # Outermost: gzip what Django writes (not stored pages, which have their own .gz), then the
    # page store, which answers anonymous reads of stored public pages and stores new ones.
    "samizdat.pages.middleware.CompressMiddleware",
    # Safe requests may read from a replica (DATABASE_REPLICA_URLS); writes pin them to the primary.
    "samizdat.core.replicas.ReplicaMiddleware",
    "samizdat.pages.middleware.PageStoreMiddleware",
    # Headers first, so that even the answer to an unknown host carries them.
    "samizdat.core.middleware.SecurityHeadersMiddleware",
    # A NUL in an address or body is refused before anything hands it to the database.
    "samizdat.core.nul.RefuseNulMiddleware",
    "samizdat.blogs.middleware.BlogDomainMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samizdat.blogs.middleware.BlogLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "samizdat.accounts.middleware.UserLanguageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "samizdat.accounts.middleware.OutsideSignInErrorsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "samizdat.portability.redirects.WordPressLinksMiddleware",
    # ActivityPub clients asking for /@blog/ or a post get JSON (content negotiation).
    "samizdat.federation.middleware.ActivityPubMiddleware",
    "samizdat.provider.middleware.IndieAuthLinkMiddleware",
    "samizdat.api.middleware.ApiDiscoveryMiddleware",
]

ROOT_URLCONF = "samizdat.config.urls"
# Django's form renderer, with plain inputs written in Python (samizdat.core.formrenderer).
FORM_RENDERER = "samizdat.core.formrenderer.FormRenderer"
WSGI_APPLICATION = "samizdat.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samizdat.core.context_processors.site",
            ],
        },
    },
]

# Storage: SQLite in WAL mode by default; PostgreSQL (or any engine) when DATABASE_URL says so.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "samizdat.sqlite3",
            # Keep each server thread's connection between requests, as with PostgreSQL above:
            # opening one (and running the PRAGMAs below) cost about a millisecond a request, and
            # a fresh connection starts with an empty page cache.
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                # Writers wait for the lock (busy timeout, seconds) instead of failing, and
                # take it at BEGIN so a read-then-write transaction cannot deadlock.
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }

# Read replicas (PostgreSQL streaming standbys, say): requests read from one when nothing ties them
# to the primary (samizdat.core.replicas); writes, migrations, the worker and commands use the primary.
DATABASE_REPLICA_URLS = [u.strip() for u in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if u.strip()]
for number, url in enumerate(DATABASE_REPLICA_URLS, 1):
    # MIRROR: the test runner makes no test database on a replica.
    DATABASES[f"replica{number}"] = {**dj_database_url.parse(url, conn_max_age=60), "TEST": {"MIRROR": "default"}}
if DATABASE_REPLICA_URLS:
    DATABASE_ROUTERS = ["samizdat.core.replicas.ReplicaRouter"]
# After a browser's request writes, its reads stay on the primary this long (seconds), so a writer
# sees their own change although the replicas lag a little behind.
SAMIZDAT_REPLICA_PIN_SECONDS = int(os.environ.get("SAMIZDAT_REPLICA_PIN_SECONDS", 10))

# PostgreSQL: parameters sent apart from the SQL (server-side binding), and psycopg prepares a
# statement once a connection has run it 5 times (Django leaves that off: binding alone prepares
# nothing), so the server stops planning a comment's dozen statements anew: its CPU per comment
# fell from 1.4 to 0.6 ms, the app's by 0.2 ms more. Off (0) behind a PgBouncer in transaction
# pooling mode older than 1.21, which cannot keep prepared statements.
SAMIZDAT_POSTGRES_PREPARED = os.environ.get("SAMIZDAT_POSTGRES_PREPARED", "1") != "0"
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql" and SAMIZDAT_POSTGRES_PREPARED:
        _database.setdefault("OPTIONS", {})["server_side_binding"] = True
        _database["OPTIONS"].setdefault("prepare_threshold", 5)


AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "/"
# allauth's backend alone: it takes a username or an email address (a second backend would hash
# every wrong password twice).
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]

# Local accounts (django-allauth; the rules that are ours live in samizdat.accounts.adapters).
# Who may create a local account: "closed" (only the admin, with `samizdat createuser`), "invite"
# (whoever holds an invitation to a blog) or "open" (anyone; the address must be verified).
SAMIZDAT_SIGNUP = os.environ.get("SAMIZDAT_SIGNUP", "invite").strip().lower()
if SAMIZDAT_SIGNUP not in {"closed", "invite", "open"}:
    raise ValueError(f"SAMIZDAT_SIGNUP must be closed, invite or open, not {SAMIZDAT_SIGNUP!r}")
ACCOUNT_ADAPTER = "samizdat.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "samizdat.accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_FORMS = {"login": "samizdat.accounts.forms.SignInForm"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"
# One rate-limiting mechanism: ours (samizdat.accounts.ratelimit, counted in the database so it
# holds across processes), applied to sign-in, sign-up, password reset and two-factor codes.
ACCOUNT_RATE_LIMITS = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# A session's row is written when it signs in, not on every request (that would be a write per page).
USERSESSIONS_TRACK_ACTIVITY = False
# The sign-in page stays a sign-in page for someone signed in (to change account), as Django's does.
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
# Outside accounts: the consent page ("Connecting to …", a button) comes before leaving for the
# provider, so that a link cannot sign someone in elsewhere behind their back (allauth's advice).
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_STORE_TOKENS = False
# Linking an outside identity to an existing account by email only when both sides verified it
# (see samizdat.accounts.adapters for the rest of the rules).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
# Providers the instance admin enabled by configuration (they can also be added in the admin,
# under "Social applications"): a JSON list, e.g. [{"provider": "openid_connect", "id": "other",
# "name": "Other Samizdat", "server_url": "https://other.example", "client_id": "…", "secret": "…"}].
SAMIZDAT_SIGNIN_PROVIDERS = os.environ.get("SAMIZDAT_SIGNIN_PROVIDERS", "").strip()


def signin_providers_from_json(value):
    import json

    providers = {}
    for entry in json.loads(value) if value else []:
        kind = entry.get("provider", "openid_connect")
        app = {
            "provider_id": entry.get("id", kind), "name": entry.get("name", kind),
            "client_id": entry["client_id"], "secret": entry.get("secret", ""), "settings": {},
        }
        if entry.get("server_url"):
            app["settings"]["server_url"] = entry["server_url"]
        if entry.get("pkce", True):
            app["settings"]["oauth_pkce_enabled"] = True
        providers.setdefault(kind, {"APPS": []})["APPS"].append(app)
    return providers


SOCIALACCOUNT_PROVIDERS = signin_providers_from_json(SAMIZDAT_SIGNIN_PROVIDERS)
# "Log in with your fediverse account": the instance registers itself as an app on the reader's
# server (any with the Mastodon client API) the first time someone from there signs in.
SAMIZDAT_FEDIVERSE_SIGNIN = env_bool("SAMIZDAT_FEDIVERSE_SIGNIN", False)
SAMIZDAT_FEDIVERSE_REGISTRATIONS_PER_HOUR = int(os.environ.get("SAMIZDAT_FEDIVERSE_REGISTRATIONS_PER_HOUR", 10))
# "Log in with your own website" (IndieAuth): the reader's site names its authorization server.
SAMIZDAT_INDIEAUTH_SIGNIN = env_bool("SAMIZDAT_INDIEAUTH_SIGNIN", False)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("kk", _("Kazakh"))]
# Ours first, so that our translations win; then django-allauth's strings in Kazakh, which allauth
# does not ship (a catalogue of its own that `make messages` compiles but never rewrites).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "accounts" / "allauth_kk"]
# Date formats for languages Django has none for (Kazakh).
FORMAT_MODULE_PATH = ["samizdat.config.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Serve uploads from Django; turn off when a front server serves MEDIA_ROOT at MEDIA_URL.
SAMIZDAT_SERVE_MEDIA = env_bool("SAMIZDAT_SERVE_MEDIA", True)
# Uploads on an S3-compatible store (django-storages) instead of MEDIA_ROOT, so app servers and
# workers on several machines share them. Pages link them at MEDIA_URL: the instance's own /media/
# (Samizdat or the front server passes them on from the bucket) unless the admin declares a public
# address of their own for the bucket; no page may point at a host that is not the instance's.
SAMIZDAT_MEDIA_S3_BUCKET = os.environ.get("SAMIZDAT_MEDIA_S3_BUCKET", "")
SAMIZDAT_MEDIA_PUBLIC_URL = os.environ.get("SAMIZDAT_MEDIA_PUBLIC_URL", "")
if SAMIZDAT_MEDIA_PUBLIC_URL:
    MEDIA_URL = SAMIZDAT_MEDIA_PUBLIC_URL.rstrip("/") + "/"


def s3_media_storage(environ):
    """The STORAGES entry for uploads in the S3-compatible bucket that `environ` names."""
    from botocore.config import Config

    return {
        "BACKEND": "samizdat.core.s3.MediaStorage",
        "OPTIONS": {
            "bucket_name": environ["SAMIZDAT_MEDIA_S3_BUCKET"],
            "endpoint_url": environ.get("SAMIZDAT_MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("SAMIZDAT_MEDIA_S3_REGION") or None,
            "access_key": environ.get("SAMIZDAT_MEDIA_S3_ACCESS_KEY") or None,
            "secret_key": environ.get("SAMIZDAT_MEDIA_S3_SECRET_KEY") or None,
            "location": environ.get("SAMIZDAT_MEDIA_S3_PREFIX", "").strip("/"),
            # Names are unique (a second "photo.jpg" becomes photo_ab12cd3.jpg), as on disk.
            "file_overwrite": False,
            "querystring_auth": False,
            "default_acl": None,
            # Checksums only when S3 requires them: many S3-compatible stores refuse the chunked
            # uploads with trailing checksums that boto3 sends by default since 1.36.
            "client_config": Config(
                request_checksum_calculation="when_required", response_checksum_validation="when_required",
                s3={"addressing_style": "path"},
            ),
        },
    }


MEDIA_STORAGE = (
    s3_media_storage(os.environ) if SAMIZDAT_MEDIA_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": MEDIA_STORAGE,
    # Collected files get their content's hash in their names (site.0123456789ab.css), so they
    # are served with a year's cache lifetime; see samizdat.core.staticfiles.
    "staticfiles": {"BACKEND": "samizdat.core.staticfiles.StaticFilesStorage"},
}
# Serve static files straight from the apps too, so a fresh checkout needs no collectstatic.
# `samizdat serve` collects them (with compressed variants) and turns this off, because files
# found in the apps would shadow the collected ones and their .gz variants.
WHITENOISE_USE_FINDERS = env_bool("SAMIZDAT_STATIC_FROM_APPS", True)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# An instance whose public address is https:// sends its cookies only over HTTPS and asks
# browsers to come back only over HTTPS (HSTS, a year unless set; 0 turns it off), even behind a
# front server that ends TLS (see samizdat.core.middleware).
SERVED_OVER_HTTPS = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = SERVED_OVER_HTTPS
CSRF_COOKIE_SECURE = SERVED_OVER_HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SAMIZDAT_HSTS_SECONDS", 365 * 24 * 3600 if SERVED_OVER_HTTPS else 0))
# Behind a front server that ends TLS and says so in X-Forwarded-Proto, Django can tell https
# requests apart, which forms on blogs' own https domains need. Only set it when the front
# server overwrites that header: otherwise a client could claim https.
if env_bool("SAMIZDAT_TRUST_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Front servers (addresses or networks) whose X-Forwarded-For names the reader: without it, behind
# nginx every reader shares nginx's address, so per-address rate limits and blocklists would
# lump them together (samizdat.core.clients). Never trust it from anyone else: a client could
# name any address.
SAMIZDAT_TRUSTED_PROXIES = [
    n.strip() for n in os.environ.get("SAMIZDAT_TRUSTED_PROXIES", "").split(",") if n.strip()
]
for _proxy in SAMIZDAT_TRUSTED_PROXIES:  # refuse to start on a typo rather than fail every request
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"SAMIZDAT_TRUSTED_PROXIES: {error}") from None
if SERVED_OVER_HTTPS:
    # Behind a front server Django sees http://, so it would refuse forms whose Origin is https://.
    CSRF_TRUSTED_ORIGINS = [SITE_URL]

# Public pages for readers who are not signed in, stored as files on first read and removed when
# what they show changes (docs/performance.md). nginx serves the folder's www/ directly.
SAMIZDAT_PAGES = env_bool("SAMIZDAT_PAGES", True)
# The parts of post pages every anonymous reader shares, rendered once per change (posts.fragments).
SAMIZDAT_POST_FRAGMENTS = env_bool("SAMIZDAT_POST_FRAGMENTS", True)
SAMIZDAT_PAGES_DIR = Path(os.environ.get("SAMIZDAT_PAGES_DIR", DATA_DIR / "pages")).resolve()
# Stored pages older than this (seconds) are removed by the worker, so the comment form's time stamp
# in them stays fresh (comments sent from a form older than two days are held).
SAMIZDAT_PAGES_MAX_AGE = int(os.environ.get("SAMIZDAT_PAGES_MAX_AGE", 12 * 3600))

# Uploads: the largest file accepted and the widths of the resized renditions.
SAMIZDAT_MAX_UPLOAD_BYTES = int(os.environ.get("SAMIZDAT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
SAMIZDAT_RENDITION_WIDTHS = (480, 960, 1600)

# Outbound HTTP (samizdat.core.http): networks that may be fetched although they are not public,
# comma-separated (e.g. 127.0.0.1/32 for a test server). Empty: only public addresses.
SAMIZDAT_HTTP_ALLOWED_NETWORKS = [
    n for n in os.environ.get("SAMIZDAT_HTTP_ALLOWED_NETWORKS", "").split(",") if n.strip()
]
# The reader polls each followed feed this often (minutes); errors push the next poll further out.
SAMIZDAT_READER_POLL_MINUTES = int(os.environ.get("SAMIZDAT_READER_POLL_MINUTES", "30"))
# Reader pruning: entries everyone has read leave after KEEP_DAYS, any entry (and the list of
# followed blogs' posts) after KEEP_UNREAD_DAYS.
SAMIZDAT_READER_KEEP_DAYS = int(os.environ.get("SAMIZDAT_READER_KEEP_DAYS", "30"))
SAMIZDAT_READER_KEEP_UNREAD_DAYS = int(os.environ.get("SAMIZDAT_READER_KEEP_UNREAD_DAYS", "180"))
SAMIZDAT_HTTP_ALLOWED_HOSTS = [
    h for h in os.environ.get("SAMIZDAT_HTTP_ALLOWED_HOSTS", "").split(",") if h.strip()
]
# WordPress import: the largest file the dashboard takes (the worker imports it); media files
# larger than the second limit are not fetched; an import whose worker gave no sign of life for
# the third (seconds) is taken up again by another worker.
SAMIZDAT_IMPORT_MAX_BYTES = int(os.environ.get("SAMIZDAT_IMPORT_MAX_BYTES", 256 * 1024 * 1024))
SAMIZDAT_IMPORT_MEDIA_MAX_BYTES = int(os.environ.get("SAMIZDAT_IMPORT_MEDIA_MAX_BYTES", 20 * 1024 * 1024))
SAMIZDAT_IMPORT_STALE_SECONDS = int(os.environ.get("SAMIZDAT_IMPORT_STALE_SECONDS", 120))

# Background work: an embedded SQLite queue by default; Redis when REDIS_URL is set, so
# several worker machines can share one queue.
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY_IMMEDIATE = env_bool("SAMIZDAT_TASKS_IMMEDIATE", False)
# Instances (or test runs) sharing one Redis keep apart by queue name.
HUEY_NAME = os.environ.get("SAMIZDAT_QUEUE_NAME", "samizdat")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": HUEY_NAME,
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": HUEY_NAME,
        "filename": str(DATA_DIR / "tasks.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# With Redis, one cache shared by every process, and sessions read from it and written through to
# the database (cached_db): a signed-in page need not read the primary for its session. Without
# Redis each process would cache on its own, and a session ended through one would live on in
# another, so sessions then stay in the database alone.
if REDIS_URL:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"samizdat-{HUEY_NAME}",
    }}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

EMAIL_HOST = os.environ.get("SAMIZDAT_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SAMIZDAT_EMAIL_PORT", 25))
DEFAULT_FROM_EMAIL = os.environ.get("SAMIZDAT_FROM_EMAIL", "samizdat@localhost")
# A stalled SMTP server fails a send (tried again later) instead of holding a worker thread for ever.
EMAIL_TIMEOUT = 30
# How long a worker sending an email holds it: a worker killed mid-send leaves it to be sent again
# after this (see samizdat.core.outbox). Longer than a send can take (each SMTP step, EMAIL_TIMEOUT).
SAMIZDAT_EMAIL_LEASE_SECONDS = int(os.environ.get("SAMIZDAT_EMAIL_LEASE_SECONDS", 300))

# Comments: rate limits per IP address and per commenter, the least time a person takes to fill in
# the form (seconds; faster ones are held), and how many days commenters' IP addresses are kept.
SAMIZDAT_COMMENT_RATE_PER_MINUTE = int(os.environ.get("SAMIZDAT_COMMENT_RATE_PER_MINUTE", 5))
SAMIZDAT_COMMENT_RATE_PER_HOUR = int(os.environ.get("SAMIZDAT_COMMENT_RATE_PER_HOUR", 30))
SAMIZDAT_COMMENT_MIN_SECONDS = float(os.environ.get("SAMIZDAT_COMMENT_MIN_SECONDS", 3))
SAMIZDAT_COMMENT_IP_DAYS = int(os.environ.get("SAMIZDAT_COMMENT_IP_DAYS", 3))

# Sign-in: failures allowed per typed username and per client address within the window (seconds);
# past that, sign-in is refused with 429 until the oldest failure leaves the window.
SAMIZDAT_LOGIN_RATE_PER_ACCOUNT = int(os.environ.get("SAMIZDAT_LOGIN_RATE_PER_ACCOUNT", 5))
SAMIZDAT_LOGIN_RATE_PER_ADDRESS = int(os.environ.get("SAMIZDAT_LOGIN_RATE_PER_ADDRESS", 20))
SAMIZDAT_LOGIN_RATE_WINDOW = int(os.environ.get("SAMIZDAT_LOGIN_RATE_WINDOW", 15 * 60))
# Sign-ups per client address, and password-reset requests per typed address and per client
# address, within an hour; past that, 429 with Retry-After (each request may send an email).
SAMIZDAT_SIGNUP_RATE_PER_HOUR = int(os.environ.get("SAMIZDAT_SIGNUP_RATE_PER_HOUR", 5))
SAMIZDAT_PASSWORD_RESET_RATE_PER_HOUR = int(os.environ.get("SAMIZDAT_PASSWORD_RESET_RATE_PER_HOUR", 5))
# The APIs (/api/v1/, WordPress API, Micropub): wrong credentials one client address may send within
# the sign-in window, and writes one account may make a minute; past either, 429 with Retry-After.
SAMIZDAT_API_AUTH_FAILURES_PER_ADDRESS = int(os.environ.get("SAMIZDAT_API_AUTH_FAILURES_PER_ADDRESS", 20))
SAMIZDAT_API_WRITES_PER_MINUTE = int(os.environ.get("SAMIZDAT_API_WRITES_PER_MINUTE", 60))
SAMIZDAT_WEBMENTION_RATE_PER_HOUR = int(os.environ.get("SAMIZDAT_WEBMENTION_RATE_PER_HOUR", 60))

# Federation (ActivityPub): the largest activity an inbox takes, and how many POSTs one client
# address may make to the inboxes per minute (past that, 429 with Retry-After; 0: no limit).
SAMIZDAT_AP_MAX_BODY_BYTES = int(os.environ.get("SAMIZDAT_AP_MAX_BODY_BYTES", 256 * 1024))
SAMIZDAT_AP_INBOX_RATE_PER_MINUTE = int(os.environ.get("SAMIZDAT_AP_INBOX_RATE_PER_MINUTE", 300))
# This instance as an OpenID Connect / OAuth 2 provider and IndieAuth server (samizdat.provider).
# The RS256 key that signs ID tokens is made on first use (see samizdat.provider.keys).
SAMIZDAT_OIDC_KEY_FILE = Path(os.environ.get("SAMIZDAT_OIDC_KEY_FILE", "") or DATA_DIR / "oidc_key.pem")
from samizdat.provider.keys import instance_private_key_pem  # noqa: E402
from samizdat.provider.policy import pkce_required  # noqa: E402
from samizdat.provider.scopes import SCOPES as OAUTH_SCOPES  # noqa: E402

# django-oauth-toolkit's own models, named so our migrations can point at them (they are swappable).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": instance_private_key_pem,
    "OAUTH2_VALIDATOR_CLASS": "samizdat.provider.validators.SamizdatOAuth2Validator",
    "SCOPES": OAUTH_SCOPES,
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": pkce_required,
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("SAMIZDAT_OAUTH_TOKEN_SECONDS", 10 * 3600)),
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 90 * 24 * 3600,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    # RFC 9700 (OAuth 2.0 security best practice): no implicit or password grants, S256 only,
    # tokens never in URLs, `iss` in authorization responses, tokens kept only as hashes.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"timed": {"format": "[%(asctime)s] %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "worker": {"class": "logging.StreamHandler", "formatter": "timed"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SAMIZDAT_LOG_LEVEL", "WARNING")},
    # The worker's log (each task run, retry, failure), once: not again through the root logger.
    "loggers": {"huey": {"handlers": ["worker"], "level": "INFO", "propagate": False}},
}

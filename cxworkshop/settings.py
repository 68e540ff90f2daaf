"""Settings for CX Workshop, read from the environment.

Defaults run on a fresh machine: SQLite, an in-memory channel layer and a local-memory cache.
DATABASE_URL moves the data to PostgreSQL; REDIS_URL moves the channel layer and the cache to
Redis, which is how several ASGI workers share one workshop.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def read_secret_key():
    key = os.environ.get("DJANGO_SECRET_KEY", "").strip()
    key_file = os.environ.get("DJANGO_SECRET_KEY_FILE", "").strip()
    if not key and key_file:
        path = Path(key_file)
        if not path.is_absolute():
            path = BASE_DIR / path
        key = path.read_text().strip() if path.exists() else ""
    return key


DEBUG = env_flag("DJANGO_DEBUG")

SECRET_KEY = read_secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key-do-not-deploy"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]", "testserver"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) is required when DJANGO_DEBUG is off."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is off "
            "(comma-separated host names, e.g. 'workshop.example.com')."
        )

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The host `make run` binds to, and the address phones should use when it is set.
SERVE_HOST = os.environ.get("CXW_SERVE_HOST", "127.0.0.1")
PUBLIC_URL = os.environ.get("PUBLIC_URL", "").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "template_partials",
    "taggit",
    "csp",
    "cxworkshop.apps.CXWorkshopConfig",
    "accounts",
    "decks",
    "sessions.apps.LiveSessionsConfig",
    "stories",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cxworkshop.languages.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "cxworkshop.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "cxworkshop.wsgi.application"
ASGI_APPLICATION = "cxworkshop.asgi.application"

# Database: SQLite by default, tuned so bursts of writes from a room of phones queue up
# instead of failing with "database is locked".
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's own backend is enough: with IMMEDIATE transactions, a 20 s busy timeout and at
    # most CXW_HTTP_CONCURRENCY request threads, 1,000 answers at once gave 0 errors without the
    # in-process writer queue this project used to add (p95 21.8-30.3 s without it, 25.8-28.2 s
    # with it; 0 errors even with 32 threads), so the queue was removed (issue 12's note).
    # Tests use a file, not memory, so a live server in another process shares the data.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # secure_delete: erased text is overwritten on disk, whatever SQLite was built with.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and (
    int(os.environ.get("CXW_DB_POOL_MAX", "16")) > 0  # 0: a connection per request, as before
):
    # A pool of connections per server process (psycopg_pool, Django's "pool" option): a new
    # PostgreSQL connection per request cost the server a backend process each time, and was
    # the largest part of a phone request's time on two workers (bench/results). At most
    # CXW_HTTP_CONCURRENCY request threads plus the sockets' database threads use it at once.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("CXW_DB_POOL_MIN", "2")),
        "max_size": int(os.environ.get("CXW_DB_POOL_MAX", "16")),
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def redis_url_for_test_worker(url, worker):
    """`make test` runs the suite in several processes (pytest-xdist's gw0, gw1, ...) that share
    one Redis: each takes the database numbered after REDIS_URL's plus its own number, since
    every test empties the cache (all of its database) before it starts."""
    if not url or not worker:
        return url
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{number}"))


# Set in each test worker, and inherited by the servers it starts.
TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "").strip()
REDIS_URL = redis_url_for_test_worker(os.environ.get("REDIS_URL", "").strip(), TEST_WORKER)
if REDIS_URL:
    # Redis publishes to all its databases alike: a test worker's groups (every worker's first
    # session has "live-1-room") are named after the database it has to itself.
    CHANNEL_PREFIX = f"asgi{urlsplit(REDIS_URL).path.strip('/')}" if TEST_WORKER else "asgi"
    # Pub/sub by measurement: with 2 workers the core layer lost 2-5% of fanout messages
    # (bench/results); CXW_CHANNEL_LAYER=core picks it back.
    CHANNEL_LAYER_KIND = os.environ.get("CXW_CHANNEL_LAYER", "pubsub").strip()
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": {
                "core": "channels_redis.core.RedisChannelLayer",
                "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
            }[CHANNEL_LAYER_KIND],
            "CONFIG": {"hosts": [REDIS_URL], "prefix": CHANNEL_PREFIX},
        }
    }
    CACHES = {
        "default": {
            # Redis down: pages keep working from the database (cxworkshop/cache.py).
            "BACKEND": "cxworkshop.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "cxworkshop.channel_layer.InMemoryChannelLayer"}}
    # Room for a thousand phones' sessions and rate-limit counts (Django's default is 300
    # entries, after which it forgets a third of them).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "decks:deck-list"
LOGOUT_REDIRECT_URL = "home"

# E-mail: printed to the console unless an SMTP server is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CX Workshop <workshop@localhost>")

LANGUAGE_CODE = "en"
# The languages the app ships, each with a complete catalogue (cxworkshop/catalogues.py).
LANGUAGES = [
    ("en", _("English")),
    ("nl", _("Dutch")),
    ("fr", _("French")),
    ("de", _("German")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SESSION_COOKIE_HTTPONLY = True
# Read from the cache (Redis with REDIS_URL), written through to the database: every phone
# request reads its session, and one query less counts in a room of a thousand.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy: scripts, styles, images and sockets from this origin only; no inline
# script or style, no eval (htmx is configured for it in base.html), no framing, no plugins.
# A participant's text that slipped through escaping still could not run. The one exception,
# the newsletter page made to be pasted into an e-mail, allows inline styles (not scripts).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Served over HTTPS (behind a TLS proxy that sets X-Forwarded-Proto; Uvicorn's --proxy-headers
# trusts it from FORWARDED_ALLOW_IPS): secure cookies, HTTP redirected to HTTPS, and HSTS.
# DJANGO_SECURE_COOKIES is the earlier name of the same switch.
if env_flag("DJANGO_HTTPS") or env_flag("DJANGO_SECURE_COOKIES"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's health check may use HTTP
    # An hour unless told: raise it (a year is usual) once HTTPS is known to stay.
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "3600"))
    # The app usually lives on one subdomain of an organisation's domain; whether HSTS may
    # cover the others, or go on browsers' preload list, is the organisation's call.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD")
    SILENCED_SYSTEM_CHECKS = [
        check
        for check, chosen in [
            ("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
            ("security.W021", SECURE_HSTS_PRELOAD),
        ]
        if not chosen
    ]

# Decks: the limits an import or the card editor enforces.
DECK_MAX_CARDS = 200
DECK_IMPORT_MAX_BYTES = 512 * 1024
# Stories: the size of an imported file and the number of stories in it.
STORY_IMPORT_MAX_BYTES = 2 * 1024 * 1024
STORY_IMPORT_MAX_ROWS = 5000

# Rate limits (declared in cxworkshop/ratelimits.py). A join of an open session is not a
# guess, and a whole room may share one address: people added to one session per client
# address (a room of 1,000 behind one Wi-Fi address fits in a minute), and over all addresses,
# higher, so one network never uses all of it (a bound on a flood of made-up people); join
# forms with a mistake per client address in a session (they add nobody).
JOIN_ADDRESS_RATE = os.environ.get("CXW_JOIN_ADDRESS_RATE", "1000/m")
JOIN_SESSION_RATE = os.environ.get("CXW_JOIN_SESSION_RATE", "3000/m")
JOIN_INVALID_RATE = os.environ.get("CXW_JOIN_INVALID_RATE", "600/m")
# Join links whose code matches no session, each different code counted once, per client
# address (a room mistypes now and then) ...
JOIN_MISS_RATE = os.environ.get("CXW_JOIN_MISS_RATE", "60/10m")
# ... and over all addresses together, so a guesser with many machines is as slow as one
# machine ten times over (README, "Security": the arithmetic).
JOIN_MISS_ALL_RATE = os.environ.get("CXW_JOIN_MISS_ALL_RATE", "600/10m")
ANSWER_RATE = os.environ.get("CXW_ANSWER_RATE", "30/m")
RENAME_RATE = os.environ.get("CXW_RENAME_RATE", "10/10m")
# Reactions given or taken back per participant: four kinds on every answer of a busy wall.
REACTION_RATE = os.environ.get("CXW_REACTION_RATE", "120/m")
# Story links: posts per client address on one link (an office of 200 behind one address, each
# telling a story), and over all addresses; private-link mails per e-mail address.
TELL_ADDRESS_RATE = os.environ.get("CXW_TELL_ADDRESS_RATE", "200/h")
TELL_LINK_RATE = os.environ.get("CXW_TELL_LINK_RATE", "1000/h")
TELL_MAIL_RATE = os.environ.get("CXW_TELL_MAIL_RATE", "5/h")
# Digest invitations: confirmation mails per staff member (a team invited one by one fits in
# an hour), and per invited address, whoever sends them.
DIGEST_INVITE_RATE = os.environ.get("CXW_DIGEST_INVITE_RATE", "100/h")
DIGEST_ADDRESS_RATE = os.environ.get("CXW_DIGEST_ADDRESS_RATE", "3/d")
# If the cache (Redis) cannot be reached, limits are not enforced until it is back, rather
# than refusing every join and answer of a live room (README, "Security").
RATELIMIT_FAIL_OPEN = True
# Accounts: log-in tries per client address, and wrong passwords per account from devices that
# have never logged in to it (a known device passes both, and has its own count of wrong
# passwords); sign-ups per address. Password reset refuses nobody: one mail per account in each
# window of its own, and one an hour for an address that asked for many different accounts.
LOGIN_RATE = os.environ.get("CXW_LOGIN_RATE", "10/5m")
SIGNUP_RATE = os.environ.get("CXW_SIGNUP_RATE", "10/h")
PASSWORD_RESET_RATE = os.environ.get("CXW_PASSWORD_RESET_RATE", "5/h")
PASSWORD_RESET_MAIL_RATE = os.environ.get("CXW_PASSWORD_RESET_MAIL_RATE", "1/5m")
PASSWORD_RESET_CROWDED_MAIL_RATE = os.environ.get("CXW_PASSWORD_RESET_CROWDED_MAIL_RATE", "1/h")

# No log line holds a room key, a token, a join code or a client address (cxworkshop/logs.py),
# however the server is started.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "without_client_lines": {"()": "cxworkshop.logs.WithoutClientLines"},
        "routes_for_paths": {"()": "cxworkshop.logs.RoutesForPaths"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "uvicorn.error": {"filters": ["without_client_lines"]},
        # Every access line is a client's address and a URL: none is written.
        "uvicorn.access": {"handlers": [], "propagate": False},
        "django.request": {"filters": ["routes_for_paths"]},
        "django.security.csrf": {"filters": ["routes_for_paths"]},
    },
}

TAGGIT_CASE_INSENSITIVE = True

# HTTP requests run in threads at most this many at a time per server process; the rest wait
# their turn on the event loop (cxworkshop/concurrency.py).
HTTP_CONCURRENCY = int(os.environ.get("CXW_HTTP_CONCURRENCY", "4"))
# A request's body must have arrived within this many seconds before it takes a turn.
HTTP_BODY_TIMEOUT = float(os.environ.get("CXW_HTTP_BODY_TIMEOUT", "60"))

# Live sockets open at once per server process: per participant (a phone and its reconnects),
# and per client address (a whole room may share one). sessions/presence.py says why.
SOCKETS_PER_PARTICIPANT = int(os.environ.get("CXW_SOCKETS_PER_PARTICIPANT", "5"))
SOCKETS_PER_ADDRESS = int(os.environ.get("CXW_SOCKETS_PER_ADDRESS", "3000"))

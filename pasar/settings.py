"""Settings for Pasar Sistemik, read from the environment (see the README's table of settings)."""

import datetime
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# A development key is acceptable only while DEBUG is on; production must set SECRET_KEY.
DEVELOPMENT_SECRET_KEY = "dev-only-pasar-sistemik-key-not-for-production-use-0123456789"
SECRET_KEY = env.str("SECRET_KEY", default="") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for a development key).")
# The audit trail's hashes and checkpoints are keyed with a secret kept outside the database
# (HMAC-SHA256), so someone who can write the database cannot rewrite the chain unnoticed.
# Rotating: a new AUDIT_KEY_ID and AUDIT_KEY, the old pair kept in AUDIT_PREVIOUS_KEYS
# ("id=key,id=key") so that events written under it still verify.
DEVELOPMENT_AUDIT_KEY = "dev-only-audit-key-not-for-production-use-0123456789abcdef"
AUDIT_KEY = env.str("AUDIT_KEY", default="") or DEVELOPMENT_AUDIT_KEY
AUDIT_KEY_ID = env.str("AUDIT_KEY_ID", default="1")
AUDIT_KEYS = {
    **dict(
        pair.split("=", 1) for pair in env.list("AUDIT_PREVIOUS_KEYS", default=[]) if "=" in pair
    ),
    AUDIT_KEY_ID: AUDIT_KEY,
}
# Where each signed checkpoint of the chain's head is appended, at least every minute while
# events are written: a file on storage the database's administrators cannot write, made
# append-only (README, "Audit trail"). Empty: audit-checkpoints.log beside the private files.
AUDIT_CHECKPOINT_LOG = env.str("AUDIT_CHECKPOINT_LOG", default="")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "pasar.apps.AdminConfig",  # django.contrib.admin on our site (pasar/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "django.contrib.postgres",  # search lookups; harmless on SQLite
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",  # API tokens: hashed, expiring, one per device (market.models.ApiToken)
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",  # sign-in lock-out after repeated wrong passwords
    "csp",
    # Our apps, in the one direction imports flow (README, "Map of the apps").
    "market",
    "vendors",
    "catalog",
    "procurement",
    "orders",
    "ratings",
    "quotes",
    "integrity",
    "worker",
    "pasar",  # the shell: root URLs, home page, probes, the demo's commands
]

MIDDLEWARE = [
    "market.request_ids.RequestIdMiddleware",  # first: every later log line carries the id
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "market.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "market.middleware.IdleTimeoutMiddleware",
    "pasar.pwa.OfflineCopyMiddleware",  # what a vendor's phone may keep for offline (pasar.pwa)
    "market.middleware.PreferredLanguageMiddleware",  # after sign-in: the person's language
    "django.contrib.messages.middleware.MessageMiddleware",
    "market.middleware.NullCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out sign-in (market.views)
]

ROOT_URLCONF = "pasar.urls"
WSGI_APPLICATION = "pasar.wsgi.application"

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
                "market.context_processors.navigation",
                "vendors.context_processors.current_vendor",
            ],
            "builtins": ["market.templatetags.money", "market.templatetags.fields"],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Production keeps each process's connection for a minute, checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Catalogue search forgives a typo when 40 % of a word's trigrams match ("bras" -> "beras").
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c pg_trgm.word_similarity_threshold=0.4"
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once when the demo's worker and web overlap.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "market.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for a username (on the page, the API or the admin) lock it for fifteen
# minutes. By username, not address: an office's staff share one address behind its router.
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("SIGN_IN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns that a username-only lock-out lets one address try many usernames: the API's
# sign-in is also limited per address (REST_FRAMEWORK's "sign_in" rate).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_CALLABLE = "market.views.sign_in_username"
AXES_LOCKOUT_CALLABLE = "market.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not its business
AXES_ENABLE_ADMIN = False  # its tables are bookkeeping, not for editing in the admin
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        # Our people have one full name (market.models.User), not first and last names.
        "OPTIONS": {"user_attributes": ["username", "full_name", "email"]},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language: Bahasa Indonesia first, English second.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
# Ours first; then django-celery-beat's admin, which ships no Indonesian of its own.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "django_celery_beat"]
USE_I18N = True
# Formats of our own where Django's differ from how dates are written here (English day-first).
FORMAT_MODULE_PATH = ["market.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Pontianak")
USE_TZ = True

STATIC_URL = "/static/"
# Production serves collected, hashed files (run collectstatic); the demo and tests serve
# straight from the apps' static folders.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STATIC_ROOT = BASE_DIR / "var" / "static" if STATIC_MANIFEST else None
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# Vendors' legal documents: outside MEDIA_ROOT, only served after a permission check.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
UPLOAD_MAX_PIXELS = 40_000_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
# API JSON bodies (market.parsers): no request of ours comes near either (a checkout of 200
# lines is about 20 kB and three levels deep).
JSON_MAX_BYTES = 1024 * 1024
JSON_MAX_DEPTH = 10
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Vendors' documents and exports: never given a URL, served after a permission check.
    "private": {"BACKEND": "market.files.storage.PrivateStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Cache and Celery share Redis when REDIS_URL is set. Without it tasks run inside the web
# process (the tests), unless CELERY_BROKER_URL names another broker: `make demo` runs a worker
# on kombu's file-system transport (`filesystem://`, folders under CELERY_BROKER_FOLDER), which
# needs no server, with a file cache (CACHE_URL) that its web and worker processes share.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL or "memory://"
CACHE_URL = env.str("CACHE_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open (pasar.cache): a checkout does not wait on Redis, nor fail without it.
            "BACKEND": "pasar.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="pasar"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
elif CACHE_URL:
    CACHES = {"default": env.cache_url("CACHE_URL")}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://"
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker process died is handed out again; every task is safe to run twice.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Publishing tries the broker once: without this kombu tries again for the connection
    # timeout, and every request that commits outbox rows waited 2 s while Redis was down. What
    # is not published waits in the outbox for the sweeper (worker.outbox).
    "max_retries": 0,
    # Redis hands an unacknowledged task (its worker killed) out again after this long. Kept at
    # an hour: the outbox does not wait for it (a killed send's hold, worker.outbox.LEASE, lapses
    # after 5 minutes and the sweeper publishes it again), and shorter would hand a long export
    # or the nightly audit walk to a second worker while the first still runs it.
    "visibility_timeout": 3600,
}
CELERY_BROKER_TRANSPORT = None  # the URL's (redis://)


def file_broker_options(folder: Path) -> dict:
    """The file-system broker's folders under `folder`, made if missing (kombu does not): the
    queues' messages (written in, read out), the exchanges' table, what was read."""
    folders = {name: folder / name for name in ("messages", "control", "processed")}
    for path in folders.values():
        path.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folders["messages"]),
        "data_folder_out": str(folders["messages"]),
        "control_folder": str(folders["control"]),
        "processed_folder": str(folders["processed"]),
    }


if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's file-system transport, with whole messages only (worker.file_broker).
    CELERY_BROKER_TRANSPORT = "worker.file_broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = file_broker_options(
        Path(env.str("CELERY_BROKER_FOLDER", default=str(BASE_DIR / "var" / "celery")))
    )
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TIMEZONE = TIME_ZONE
# What hands the rows an action wrote to its outbox (messages, jobs) to Celery once the action
# has committed (market.services.outbox). Its sweeper hands over whatever this missed.
OUTBOX_RELAY = "worker.outbox.relay"
# The most a catalogue product's unit may cost (catalog.pricing): the direct-purchase ceiling of
# the current fiscal year's policy.
PRICE_CEILING = "procurement.selectors.direct_purchase_ceiling"
# Exports whose table a higher app writes, by kind (orders.services.exports).
EXPORT_TABLES = {"flags": "integrity.exports.FLAGS"}
# What higher apps add to a page of a lower one, by page (market.panels.panels_of): each a
# function of the request and the page's subject returning a Panel or None.
PAGE_PANELS = {
    "transparency": ["quotes.views.transparency_panel", "integrity.views.transparency_panel"],
    "report-department": ["integrity.views.department_panel", "ratings.views.department_panel"],
    "order-detail": ["ratings.views.order_panel"],
}

# The regency's goal for paying small vendors (procurement.reports): this share (%) of their
# invoices paid within the policy's goal days (2 working days by default) of a complete invoice.
PAYMENT_GOAL_SHARE = env.int("PAYMENT_GOAL_SHARE", default=90)

# Buyers' ratings of a vendor after the final BAST (ratings.services). Marketplace practice, not
# regulation (e-Katalog, SIPLah and PaDi show them): how many days its author may change a rating
# (until the vendor answers it), and below how many ratings a vendor shows "new" instead of
# averages (vendors.models.RatingSummary; the catalogue's "best rated" sort puts such vendors
# after the rated ones).
RATING_EDIT_DAYS = env.int("RATING_EDIT_DAYS", default=14)
RATING_NEW_BELOW = env.int("RATING_NEW_BELOW", default=3)

# Taxes on a purchase (procurement.taxes; the rates are dated data, procurement.TaxRules). Two
# points the regulations leave open:
# whether a treasurer withholds the 0,5 % final tax (PP 55/2022) from a certified vendor also
# where PPh 22 would not apply (rice and grain, an order not above Rp2.000.000): not, by default;
TAX_FINAL_WITHOUT_PPH22 = env.bool("TAX_FINAL_WITHOUT_PPH22", default=False)
# whether the marketplace is appointed to collect PPN and 0,5 % PPh 22 itself (PMK 58/2022), the
# treasurer then collecting nothing: not, by default.
TAX_PLATFORM_COLLECTS = env.bool("TAX_PLATFORM_COLLECTS", default=False)

# Production sends through EMAIL_URL (smtp://…); the demo keeps what it would send in var/mail/,
# one file per message, instead of flooding the console.
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL",
    default=f"filemail:///{BASE_DIR / 'var' / 'mail'}" if DEBUG else "consolemail://",
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Pasar Sistemik <noreply@localhost>")

STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")  # a fake Stripe server in tests
# Stripe.js, the one script the app loads from elsewhere: Stripe requires it from its own site.
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="https://js.stripe.com/v3/")
# The demo's test card server (localstripe on loopback, orders.card_test_server): `make demo`
# starts one when no Stripe key is set, and every STRIPE_ setting above then points at it.
STRIPE_TEST_SERVER = env.str("STRIPE_TEST_SERVER", default="").rstrip("/")
if STRIPE_TEST_SERVER and not DEBUG:
    raise environ.ImproperlyConfigured(
        "STRIPE_TEST_SERVER is the demo's fake card server: not with DEBUG off."
    )


def card_test_server_settings(address: str) -> dict:
    """The STRIPE_ settings of the test card server at `address` (its keys are made up)."""
    return {
        "STRIPE_SECRET_KEY": "sk_test_pasar_demo",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_pasar_demo",
        "STRIPE_WEBHOOK_SECRET": "whsec_pasar_demo",
        "STRIPE_API_BASE": address,
        "STRIPE_JS_URL": f"{address}/js.stripe.com/v3/",
    }


if STRIPE_SECRET_KEY:
    STRIPE_TEST_SERVER = ""  # real keys: the real Stripe (or STRIPE_API_BASE) is used
elif STRIPE_TEST_SERVER:
    vars().update(card_test_server_settings(STRIPE_TEST_SERVER))
# WhatsApp: the Cloud API of the WhatsApp Business Platform (Meta), with the regency's own business
# number. Without a phone-number id and a token no WhatsApp message is sent and the choice is not
# offered. WHATSAPP_API_BASE is Graph's address with its version; the tests and the demo point
# it at a fake on loopback (worker.cloud_api_fake).
WHATSAPP_API_BASE = env.str("WHATSAPP_API_BASE", default="https://graph.facebook.com/v21.0")
WHATSAPP_PHONE_NUMBER_ID = env.str("WHATSAPP_PHONE_NUMBER_ID", default="")
WHATSAPP_TOKEN = env.str("WHATSAPP_TOKEN", default="")
# The app's secret signs every webhook Meta posts (X-Hub-Signature-256); without it none is read.
WHATSAPP_APP_SECRET = env.str("WHATSAPP_APP_SECRET", default="")
# What Meta sends back in the webhook's verification handshake (hub.verify_token).
WHATSAPP_VERIFY_TOKEN = env.str("WHATSAPP_VERIFY_TOKEN", default="")
WHATSAPP_TIMEOUT = env.float("WHATSAPP_TIMEOUT", default=10)
# The demo's fake Cloud API on loopback (`make demo` starts it when no WHATSAPP_TOKEN is set);
# every WHATSAPP_ setting above then points at it.
WHATSAPP_TEST_SERVER = env.str("WHATSAPP_TEST_SERVER", default="").rstrip("/")
if WHATSAPP_TEST_SERVER and not DEBUG:
    raise environ.ImproperlyConfigured(
        "WHATSAPP_TEST_SERVER is the demo's fake WhatsApp server: not with DEBUG off."
    )


def whatsapp_test_server_settings(address: str) -> dict:
    """The WHATSAPP_ settings of the demo's fake Cloud API at `address` (made-up credentials)."""
    return {
        "WHATSAPP_API_BASE": f"{address}/v21.0",
        "WHATSAPP_PHONE_NUMBER_ID": "100000000000001",
        "WHATSAPP_TOKEN": "pasar-demo-token",
        "WHATSAPP_APP_SECRET": "pasar-demo-app-secret",
        "WHATSAPP_VERIFY_TOKEN": "pasar-demo-verify",
    }


if WHATSAPP_TOKEN:
    WHATSAPP_TEST_SERVER = ""
elif WHATSAPP_TEST_SERVER:
    vars().update(whatsapp_test_server_settings(WHATSAPP_TEST_SERVER))
# How long a reply button's token holds (the order's own answer deadline usually comes first),
# how long a document's link opens, and how long a decline waits for its reason in a reply.
WHATSAPP_REPLY_DAYS = env.int("WHATSAPP_REPLY_DAYS", default=14)
WHATSAPP_DOCUMENT_DAYS = env.int("WHATSAPP_DOCUMENT_DAYS", default=7)
WHATSAPP_REASON_MINUTES = env.int("WHATSAPP_REASON_MINUTES", default=60)
# A webhook body above this is refused unread (Meta's are a few kilobytes).
WHATSAPP_WEBHOOK_MAX_BYTES = env.int("WHATSAPP_WEBHOOK_MAX_BYTES", default=256 * 1024)
# Verifying a WhatsApp number: a 6-digit code good for this long, this many tries, and at most
# this many codes an hour per person and per number.
PHONE_CODE_MINUTES = env.int("PHONE_CODE_MINUTES", default=10)
PHONE_CODE_TRIES = env.int("PHONE_CODE_TRIES", default=5)
PHONE_CODES_PER_HOUR = env.int("PHONE_CODES_PER_HOUR", default=3)
# The address people open the site at: links in e-mail and WhatsApp messages start with it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Open data: the prefix of every OCDS ocid (register one with the OCDS helpdesk for production).
OCDS_OCID_PREFIX = env.str("OCDS_OCID_PREFIX", default="ocds-kbr000")

# HTTPS hardening: on by default in production, off for the demo and tests over plain HTTP.
HTTPS_ONLY = env.bool("HTTPS_ONLY", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers probe over plain HTTP
SESSION_COOKIE_SECURE = HTTPS_ONLY
# Signed out after this long without a request (market.middleware.IdleTimeoutMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
CSRF_COOKIE_SECURE = HTTPS_ONLY
LANGUAGE_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
# Reverse proxies in front of the app that add the client's address to X-Forwarded-For.
PROXIES_IN_FRONT = env.int("PROXIES_IN_FRONT", default=1 if BEHIND_TLS_PROXY else 0)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this site only,
# no inline script or style, no plugins, no framing. The card payment page adds Stripe's
# origins for itself (orders.payment_views).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Browser features no page here uses (market.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), usb=(), serial=(), bluetooth=(), "
    "payment=(self), fullscreen=(self)"
)
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so a bad token is answered 401 with a WWW-Authenticate header.
        "market.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "market.parsers.JSONParser",
        "market.parsers.FormParser",
        "market.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "market.rest.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "pasar.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "market.rest.exception_handler",
    # Per client address (market.throttles): every sign-in path together (the page, the admin,
    # the API's token), and vendor registration.
    "DEFAULT_THROTTLE_RATES": {
        "sign_in": env.str("SIGN_IN_RATE", default="20/min"),
        "registration": env.str("REGISTRATION_RATE", default="10/hour"),
    },
    # The client's address: the connection's, or behind N proxies the one the nearest added to
    # X-Forwarded-For. A client's own X-Forwarded-For is never believed, or it could give
    # itself a new address, and a new count, with every request.
    "NUM_PROXIES": PROXIES_IN_FRONT,
}

# API tokens (django-rest-knox with market.models.ApiToken): a token unused for
# API_TOKEN_IDLE_DAYS stops working, and none lives past API_TOKEN_MAX_DAYS however often used:
# a vendor's phone stays signed in while it is in use, a lost one does not stay so for long.
KNOX_TOKEN_MODEL = "market.ApiToken"
# knox's migrations would create its own token table (their model state does not know it is
# swapped), which Django then never empties or uses: knox gets no migrations here.
MIGRATION_MODULES = {"knox": None}
API_TOKEN_IDLE_DAYS = env.int("API_TOKEN_IDLE_DAYS", default=14)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=90)
API_TOKENS_PER_PERSON = 10  # beyond it, a new device signs out the least recently used
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=API_TOKEN_IDLE_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_PREFIX": "pasar_",  # recognisable by secret scanners
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Pasar Sistemik API",
    "DESCRIPTION": "Procurement of local products from small businesses and cooperatives.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ScaleEnum": "vendors.models.Scale",
        "VendorStatusEnum": "vendors.models.VendorStatus",
        "OrderStatusEnum": "orders.models.OrderStatus",
        "ExportKindEnum": "orders.models.Export.Kind",
        "DocumentKindEnum": "vendors.models.DocumentKind",
        "FlagStatusEnum": "integrity.models.FlagStatus",
        "ScanStatusEnum": "integrity.models.Scan.Status",
        "QuoteStatusEnum": "quotes.models.QuoteStatus",
        "OfferStatusEnum": "quotes.models.OfferStatus",
        # The pages' and the messages' languages (market.notification_api): one enum.
        "LanguageEnum": LANGUAGES,
    },
}

# Production logs one JSON object per line (for the log collector), the demo plain text; both
# carry the request id (market.request_ids).
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "market.request_ids.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {  # a line per task or per sign-in attempt is noise; the audit trail keeps them
        "celery.app.trace": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
# Celery's worker keeps the logging above instead of installing its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

"""The production settings, plus the benchmark's ceiling view.

Everything else comes from the environment exactly as in a deployment (DEBUG=0,
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, BEHIND_TLS_PROXY=1): the load client plays the
TLS-terminating proxy and sends X-Forwarded-Proto: https, so secure cookies, the SSL
redirect and HSTS stay as they are in production.
"""

from accountmanagement.settings import *  # noqa: F403
from accountmanagement.settings import BASE_DIR

ROOT_URLCONF = "bench.urls"
# Kept apart from the project's STATIC_ROOT so a benchmark run changes nothing else.
STATIC_ROOT = BASE_DIR / "bench" / ".staticfiles"

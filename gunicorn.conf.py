"""gunicorn settings for production: `gunicorn accountmanagement.wsgi` reads this file.

Every value can be overridden from the environment, so one file serves a laptop and a
larger machine. App processes keep no state of their own: sessions, uploads awaiting
confirmation and everything else live in PostgreSQL, so any number of them, on any number
of machines, can serve the same students behind a load balancer.
"""

import multiprocessing
import os

# Loopback only: nginx in front (deploy/nginx.conf) is what faces the network, reading slow
# clients whole and writing the X-Forwarded-For the app trusts. Reachable from outside,
# anyone could send gunicorn slow headers, or an X-Forwarded-For of their choosing.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual 2 x cores + 1: the study loop waits on the database more than on the CPU.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # an import of 10 MB fits well inside
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

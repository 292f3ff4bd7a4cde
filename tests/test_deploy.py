"""The production topology the README describes: its settings pass the deploy check as
written, and the nginx config in the repository matches the app's own limits."""

import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
SECRET_KEY_FILE = "/etc/stamp/secret-key"


def readme_deploy_block() -> str:
    """The shell block under "## Deploying" in the README, as a reader would copy it."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Deploying") :]
    return re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)


def test_the_readmes_deploy_block_passes_the_deploy_check_as_written(tmp_path):
    block = readme_deploy_block()
    exports = re.search(r"^export .*?[^\\]$", block, re.DOTALL | re.MULTILINE).group(0)
    check = next(line for line in block.splitlines() if "check --deploy" in line)
    # The one thing the block reads from the machine: the key file, made here.
    key_file = tmp_path / "secret-key"
    key_file.write_text(secrets.token_urlsafe(50))
    script = f"{exports.replace(SECRET_KEY_FILE, str(key_file))}\n{check}\n"
    assert SECRET_KEY_FILE in exports and "REDIS_URL=" in exports

    result = subprocess.run(
        ["bash", "-euc", script.replace(".venv/bin/python", sys.executable)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_readmes_deploy_block_trusts_the_one_proxy_it_puts_in_front():
    assert "STAMP_TRUSTED_PROXIES=1" in readme_deploy_block()
    proxy = (ROOT / "deploy/nginx-proxy.conf").read_text()
    # nginx writes the only entry: the client's own header never reaches the app.
    assert re.search(r"proxy_set_header X-Forwarded-For \$remote_addr;", proxy)


def test_gunicorn_listens_on_the_loopback_only():
    namespace: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 - our own file
    assert namespace["bind"].startswith("127.0.0.1:")
    upstream = re.search(r"server (\S+);", (ROOT / "deploy/nginx.conf").read_text()).group(1)
    assert upstream == namespace["bind"]


def test_nginx_refuses_exactly_the_bodies_the_app_would():
    proxy = (ROOT / "deploy/nginx-proxy.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", proxy).group(1))
    assert megabytes * 1024 * 1024 == settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_nginx_times_out_slow_headers_and_bodies():
    proxy = (ROOT / "deploy/nginx-proxy.conf").read_text()
    for directive in ("client_header_timeout", "client_body_timeout"):
        seconds = int(re.search(rf"{directive} (\d+)s;", proxy).group(1))
        assert seconds <= 10, directive
    assert "proxy_request_buffering on;" in proxy


def test_nginx_leaves_compression_to_the_app_which_pads_against_breach():
    proxy = (ROOT / "deploy/nginx-proxy.conf").read_text()
    assert re.search(r"^gzip off;", proxy, re.MULTILINE)
    assert "decks.middleware.TextGZipMiddleware" in settings.MIDDLEWARE

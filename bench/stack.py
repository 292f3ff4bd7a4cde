"""The production stack on this machine, and the availability attacks replayed against it.

Starts, all on 127.0.0.1: Debian's nginx with the repository's `deploy/nginx-proxy.conf`
(TLS with a throwaway self-signed certificate, as production terminates TLS there),
gunicorn with `gunicorn.conf.py` on a unix socket (`DEBUG=0`, `DB_POOL=1`,
`STAMP_TRUSTED_PROXIES=1`), the local PostgreSQL (database `stamp_stack`) and Redis
(database 13). Then it measures, and prints as JSON (also `bench/results/stack-latest.json`):

1. students answering cards through nginx, alone: the answers' p50 and p95;
2. the same while 50 clients send their headers (25) or bodies (25) a byte a second;
3. the same slow clients sent straight at gunicorn's socket, what nginx prevents;
4. wrong passwords, each with another spoofed `X-Forwarded-For`: when the throttles fire;
5. a 1 GiB body: what answers it, and how much is read first.

    .venv/bin/python bench/stack.py [--students 8] [--seconds 20] [--slow-clients 50]

Installs nginx with apt-get when it is missing (root). Every server it starts is stopped at
the end, also on Ctrl-C or if this script dies (`PR_SET_PDEATHSIG`). CI does not run it.
"""

import argparse
import contextlib
import ctypes
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.client import Browser, HttpError, study_form  # noqa: E402

PYTHON = str(ROOT / ".venv/bin/python")
PASSWORD = "stack-password-123"
DECK = "stack-deck"
TLS = ssl._create_unverified_context()  # the throwaway certificate made below

SETUP = f"""
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from decks.models import Card, CardState, Classroom, DailyActivity, Deck, ReviewLog
AccessAttempt.objects.all().delete()
deck, _ = Deck.objects.get_or_create(slug="{DECK}", defaults={{"title": "Stack deck"}})
Deck.objects.filter(pk=deck.pk).update(new_cards_per_day=3000)
if deck.cards.count() != 3000:
    deck.cards.all().delete()
    Card.objects.bulk_create(
        Card(deck=deck, key=f"s{{n}}", front=f"Vraag {{n}}", back=f"Antwoord {{n}}", position=n)
        for n in range(1, 3001)
    )
classroom, _ = Classroom.objects.get_or_create(name="Stack class")
classroom.decks.add(deck)
students = []
for n in range({{students}}):
    user, made = User.objects.get_or_create(username=f"stack-student-{{n:02}}")
    if made:
        user.set_password("{PASSWORD}")
        user.save()
    students.append(user)
classroom.students.add(*students)
CardState.objects.filter(student__in=students).delete()
ReviewLog.objects.filter(student__in=students).delete()
DailyActivity.objects.filter(student__in=students).delete()
"""


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def percentiles(seconds: list[float]) -> dict:
    if not seconds:
        return {"count": 0}
    ordered = sorted(seconds)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 1)

    return {"count": len(ordered), "p50_ms": at(0.5), "p95_ms": at(0.95), "max_ms": at(1.0)}


# --- the stack -----------------------------------------------------------------------------


class Stack:
    def __init__(self, args, scratch: Path):
        self.args = args
        self.scratch = scratch
        self.socket_path = scratch / "gunicorn.sock"
        self.processes: list[subprocess.Popen] = []
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{args.port}",
            "BEHIND_TLS_PROXY": "1",
            "STAMP_TRUSTED_PROXIES": "1",
            "DATABASE_URL": args.database_url,
            "DB_POOL": "1",
            "REDIS_URL": "redis://127.0.0.1:6379/13",
            "GUNICORN_BIND": f"unix:{self.socket_path}",
            "STAMP_TASKS_BACKEND": "django.tasks.backends.dummy.DummyBackend",
        }

    def manage(self, *args: str) -> None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True)

    def start(self) -> None:
        if not shutil.which("nginx"):
            print("Installing nginx (apt-get)...", file=sys.stderr)
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "nginx"], check=True)
        self._database()
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("collectstatic", "--noinput", "-v", "0")
        self.manage(
            "shell", "--no-imports", "-c", SETUP.replace("{students}", str(self.args.students))
        )
        import redis

        redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()
        log = open(self.scratch / "gunicorn.log", "w")  # noqa: SIM115 - open while it runs
        self._spawn([str(ROOT / ".venv/bin/gunicorn"), "accountmanagement.wsgi"], log, cwd=ROOT)
        self._wait(lambda: self.socket_path.exists(), "gunicorn")
        self._nginx()

    def _database(self) -> None:
        import psycopg

        name = self.args.database_url.rsplit("/", 1)[1]
        admin = self.args.database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')

    def _nginx(self) -> None:
        cert, key = self.scratch / "cert.pem", self.scratch / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        temp = self.scratch / "nginx-temp"
        temp.mkdir()
        conf = self.scratch / "nginx.conf"
        conf.write_text(f"""
daemon off;
worker_processes 1;
user root;
pid {self.scratch}/nginx.pid;
error_log {self.scratch}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    upstream stamp_gunicorn {{
        server unix:{self.socket_path};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{self.args.port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        include {ROOT}/deploy/nginx-proxy.conf;
    }}
}}
""")
        subprocess.run(["nginx", "-t", "-q", "-c", str(conf), "-p", str(self.scratch)], check=True)
        self._spawn(["nginx", "-c", str(conf), "-p", str(self.scratch)], subprocess.DEVNULL)
        self._wait(self._answers, "nginx")

    def _answers(self) -> bool:
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPSConnection(
                "127.0.0.1", self.args.port, timeout=5, context=TLS
            )
            connection.request("GET", "/accounts/login/")
            return connection.getresponse().status == 200
        return False

    def _spawn(self, command: list[str], log, **kwargs) -> None:
        self.processes.append(
            subprocess.Popen(
                command,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
                **kwargs,
            )  # fmt: skip
        )

    def _wait(self, ready, what: str) -> None:
        deadline = time.monotonic() + 60
        while not ready():
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                raise SystemExit(f"{what} did not start; logs in {self.scratch}")
            time.sleep(0.2)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


# --- clients -------------------------------------------------------------------------------


class TlsBrowser(Browser):
    """The bench's browser over TLS to nginx, which writes X-Forwarded-Proto itself."""

    def _connection(self, port: int) -> http.client.HTTPConnection:
        connection = self._connections.get(port)
        if connection is None:
            connection = http.client.HTTPSConnection(self.host, port, timeout=30, context=TLS)
            self._connections[port] = connection
        return connection


def students_answer(port: int, browsers: list[TlsBrowser], seconds: float) -> dict:
    """Each student answers the cards the study page offers, with a short think time."""
    latencies: list[float] = []
    pages: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.monotonic() + seconds

    def student(browser: TlsBrowser, seed: int) -> None:
        rng = random.Random(seed)
        try:
            page = browser.get(port, f"/decks/{DECK}/study/")
        except HttpError as error:
            name = f"page {type(error.__cause__).__name__}"
            errors[name] = errors.get(name, 0) + 1
            return
        pages.append(page.seconds)
        form = study_form(page.text)
        while form is not None and time.monotonic() < deadline:
            data = {"card": form.card, "seen": form.seen, "shown_at": form.shown_at,
                    "rating": rng.choice([3, 4, 5])}  # fmt: skip
            headers = {"HX-Request": "true", "X-CSRFToken": browser.csrf}
            try:
                response = browser.post(port, f"/decks/{DECK}/study/answer/", data, headers=headers)
            except HttpError as error:
                errors[type(error.__cause__).__name__] = (
                    errors.get(type(error.__cause__).__name__, 0) + 1
                )
                break
            if response.status != 200:
                errors[str(response.status)] = errors.get(str(response.status), 0) + 1
                break
            latencies.append(response.seconds)
            form = study_form(response.text)
            time.sleep(rng.uniform(0.1, 0.3))  # the student reads the next card

    threads = [threading.Thread(target=student, args=(b, n)) for n, b in enumerate(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return {**percentiles(latencies), "study_pages": percentiles(pages), "errors": errors}


class SlowClients:
    """Clients that send their request a byte a second, reconnecting when dropped: half of
    them never finish their headers, half send a form body of 100,000 bytes."""

    def __init__(self, count: int, connect):
        self.count = count
        self.connect = connect
        self.stop = threading.Event()
        self.dropped = 0
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(count)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        time.sleep(3)  # every slow client is connected before the students start
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(15)

    def _run(self, n: int) -> None:
        slow_body = n % 2 == 1
        while not self.stop.is_set():
            try:
                with self.connect() as sock:
                    if slow_body:
                        sock.sendall(
                            b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            b"Content-Type: application/x-www-form-urlencoded\r\n"
                            b"Content-Length: 100000\r\n\r\n"
                        )
                    else:
                        sock.sendall(b"GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    while not self.stop.wait(1):
                        sock.sendall(b"a" if slow_body else b"X")
            except OSError:
                self.dropped += 1  # the server gave up on it: the attacker connects again
                self.stop.wait(0.5)


def spoofed_passwords(port: int, attempts: int) -> dict:
    """Wrong passwords, each claiming another X-Forwarded-For: over usernames (spraying),
    then for one username. The answers' statuses in order."""
    browser = TlsBrowser()
    browser.get(port, "/accounts/login/")
    spray = []
    for n in range(attempts):
        response = browser.post(
            port, "/accounts/login/", {"username": f"nobody-{n}", "password": "wrong"},
            headers={"X-Forwarded-For": f"198.51.100.{n % 250 + 1}"},
        )  # fmt: skip
        spray.append(response.status)
    return {
        "spray_statuses": compact(spray),
        "accepted_before_429": spray.index(429) if 429 in spray else len(spray),
    }


def compact(statuses: list[int]) -> str:
    """[200, 200, 429] as "2 x 200, 1 x 429"."""
    runs: list[list] = []
    for status in statuses:
        if runs and runs[-1][1] == status:
            runs[-1][0] += 1
        else:
            runs.append([1, status])
    return ", ".join(f"{count} x {status}" for count, status in runs)


def one_gib_body(port: int) -> dict:
    """A 1 GiB form posted to the log-in page: the answer, and how much went out before."""
    size = 1024**3
    started = time.monotonic()
    sent = 0
    answered = None
    raw = socket.create_connection(("127.0.0.1", port), timeout=30)
    with raw, TLS.wrap_socket(raw, server_hostname="127.0.0.1") as sock:
        sock.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {size}\r\n\r\n".encode()
        )
        sock.settimeout(0.05)
        chunk = b"a" * 65536
        answer = b""
        while sent < size and not answer:
            try:
                answer = sock.recv(4096)
                answered = time.monotonic() - started
            except (TimeoutError, ssl.SSLWantReadError):
                try:
                    sock.sendall(chunk)
                    sent += len(chunk)
                except OSError:
                    break
            except OSError:
                break
        sock.settimeout(5)
        with contextlib.suppress(OSError):
            answer += sock.recv(4096)
    status = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/") else "none"
    seconds = round(answered, 3) if answered is not None else None
    return {"status": status, "seconds_to_answer": seconds, "bytes_sent": sent}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--slow-clients", type=int, default=50)
    parser.add_argument("--port", type=int, default=8125)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "STACK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stamp_stack"
        ),
    )
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="stamp-stack-"))
    stack = Stack(args, scratch)
    report: dict = {
        "load_average_at_start": os.getloadavg()[0],
        "students": args.students,
        "seconds": args.seconds,
        "slow_clients": args.slow_clients,
    }
    try:
        stack.start()
        browsers = [TlsBrowser() for _ in range(args.students)]
        for n, browser in enumerate(browsers):
            browser.log_in(args.port, f"stack-student-{n:02}", PASSWORD)

        def via_nginx():
            return TLS.wrap_socket(
                socket.create_connection(("127.0.0.1", args.port), timeout=30),
                server_hostname="127.0.0.1",
            )

        def at_gunicorn():
            sock = socket.socket(socket.AF_UNIX)
            sock.settimeout(30)
            sock.connect(str(stack.socket_path))
            return sock

        students_answer(args.port, browsers, 5)  # warm-up: every worker has served a page
        report["answers_alone"] = students_answer(args.port, browsers, args.seconds)
        with SlowClients(args.slow_clients, via_nginx) as slow:
            report["answers_with_slow_clients_at_nginx"] = students_answer(
                args.port, browsers, args.seconds
            )
        report["slow_clients_dropped_by_nginx"] = slow.dropped
        with SlowClients(args.slow_clients, at_gunicorn) as slow:
            report["answers_with_slow_clients_at_gunicorn_directly"] = students_answer(
                args.port, browsers, args.seconds
            )
        report["slow_clients_dropped_by_gunicorn"] = slow.dropped
        report["spoofed_x_forwarded_for"] = spoofed_passwords(args.port, 30)
        report["one_gib_body"] = one_gib_body(args.port)
    finally:
        stack.stop()
    shutil.rmtree(scratch, ignore_errors=True)
    text = json.dumps(report, indent=2)
    results = ROOT / "bench/results"
    results.mkdir(exist_ok=True)
    (results / "stack-latest.json").write_text(text)
    print(text)


if __name__ == "__main__":
    main()

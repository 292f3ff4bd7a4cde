"""A small browser for the load test: cookies, CSRF and the study form, over http.client.

The standard library keeps the client light on this 2-core machine, where it shares the CPU
with gunicorn and PostgreSQL. It plays the TLS-terminating proxy too (X-Forwarded-Proto:
https), as the app is deployed with BEHIND_TLS_PROXY=1.
"""

import http.client
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode

TIMEOUT_S = 15
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
_FIELDS = {
    name: re.compile(rf'name="{name}" value="(\d+)"') for name in ("card", "seen", "shown_at")
}
_KIND = re.compile(r'class="kind kind-(\w+)"')


class HttpError(Exception):
    pass


@dataclass
class Response:
    status: int
    text: str
    seconds: float
    location: str = ""


@dataclass
class StudyForm:
    """What the study page or an answer's fragment offers to answer next."""

    card: int
    seen: int
    shown_at: int
    kind: str


def study_form(html: str) -> StudyForm | None:
    """The card form in a study page or fragment; None on the "all done" summary."""
    values = {}
    for name, pattern in _FIELDS.items():
        match = pattern.search(html)
        if match is None:
            return None
        values[name] = int(match.group(1))
    kind = _KIND.search(html)
    return StudyForm(kind=kind.group(1) if kind else "?", **values)


def csrf_token(html: str) -> str | None:
    match = _CSRF_INPUT.search(html) or _CSRF_HEADER.search(html)
    return match.group(1) if match else None


class Browser:
    """One student's cookie jar and open connections; requests may go to either instance.

    Connections are kept alive as a browser keeps them (gunicorn's gthread workers allow
    it); with keep_alive=False every request opens a new one.
    """

    def __init__(self, host: str = "127.0.0.1", *, keep_alive: bool = True):
        self.host = host
        self.keep_alive = keep_alive
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self._connections: dict[int, http.client.HTTPConnection] = {}

    def _headers(self, port: int, extra: dict[str, str]) -> dict[str, str]:
        headers = {
            "Host": f"{self.host}:{port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "stamp-bench",
            "Accept": "text/html",
            "Connection": "keep-alive" if self.keep_alive else "close",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra)
        return headers

    def _connection(self, port: int) -> http.client.HTTPConnection:
        connection = self._connections.get(port)
        if connection is None:
            connection = http.client.HTTPConnection(self.host, port, timeout=TIMEOUT_S)
            self._connections[port] = connection
        return connection

    def close(self) -> None:
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()

    def _send(self, method, port, path, body, headers):
        connection = self._connection(port)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response, response.read()
        except Exception:
            connection.close()
            self._connections.pop(port, None)
            raise

    def request(
        self,
        method: str,
        port: int,
        path: str,
        form: dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        extra = dict(headers or {})
        body = None
        if form is not None:
            body = urlencode(form)
            origin = f"https://{self.host}:{port}"
            extra.setdefault("Origin", origin)
            extra.setdefault("Referer", origin + path)
            extra["Content-Type"] = "application/x-www-form-urlencoded"
        headers = self._headers(port, extra)
        reused = port in self._connections
        started = time.perf_counter()
        try:
            try:
                response, raw = self._send(method, port, path, body, headers)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                if not reused:
                    raise
                # The server closed an idle kept-alive connection (its keep-alive timeout or
                # a recycled worker) before reading the request: send it again, once.
                started = time.perf_counter()
                response, raw = self._send(method, port, path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            raise HttpError(f"{method} {path}: {error!r}") from error
        seconds = time.perf_counter() - started
        if not self.keep_alive or response.will_close:
            self._connections.pop(port).close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in cookie.lower() or not value:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        text = raw.decode("utf-8", "replace")
        return Response(response.status, text, seconds, response.headers.get("Location", ""))

    def get(self, port: int, path: str, **kwargs) -> Response:
        response = self.request("GET", port, path, **kwargs)
        token = csrf_token(response.text)
        if token:
            self.csrf = token
        return response

    def post(self, port: int, path: str, form: dict, **kwargs) -> Response:
        response = self.request(
            "POST", port, path, {"csrfmiddlewaretoken": self.csrf, **form}, **kwargs
        )
        token = csrf_token(response.text)
        if token:
            self.csrf = token
        return response

    def log_in(self, port: int, username: str, password: str) -> None:
        page = self.get(port, "/accounts/login/")
        if page.status != 200:
            raise HttpError(f"GET /accounts/login/: status {page.status}")
        done = self.post(port, "/accounts/login/", {"username": username, "password": password})
        if done.status != 302 or "sessionid" not in self.cookies:
            raise HttpError(f"log-in of {username} failed: status {done.status}")

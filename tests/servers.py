"""The app as a server process of its own, as `make run` serves it (cxworkshop/serve.py), on
the test database: for tests about what only a real server shows (faults, serving, hostile
sockets, taps at the same moment). The `app_server` fixture (tests/conftest.py) starts them.
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.db import connection

from tests import clock

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_database_url():
    """The database this test run uses, as DATABASE_URL for a server process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def server_environment(**env):
    """What a server process of the app needs to serve this test run's database."""
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": test_database_url(),
        "PYTHONUNBUFFERED": "1",
        **clock.subprocess_environment(),
        **env,
    }
    if "REDIS_URL" not in env:  # the in-memory layer, unless the test brings its Redis
        environment.pop("REDIS_URL", None)
    return environment


class AppServer:
    """The app served as `make run` serves it (cxworkshop/serve.py), on a fixed port, to kill and
    start again."""

    def __init__(self, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = server_environment(**env)
        self.process = None

    def start(self, output=None):
        """Serve as `make run` does; what the server writes goes to `output` (a file) if given."""
        command = [sys.executable, "-m", "cxworkshop.serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("The app server did not start.")

    def kill(self):
        """As a crash does: no goodbye to any socket."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Phone:
    """A phone over plain HTTP: its own cookies, the join form, then one answer."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def csrf(self, path):
        with self.opener.open(f"{self.base}{path}", timeout=60) as response:
            page = response.read().decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post(self, path, data):
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(f"{self.base}{path}", data=body)
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

"""What every benchmark shares: a real server process, and phones that join like browsers.

The server is the production setup (`DEBUG` off, a secret key, WhiteNoise) under Daphne or
Uvicorn, started here as subprocesses (one or more workers on their own ports). Phones are
aiohttp clients with their own cookie jars: they load the join page, post their name, then
hold the phone's WebSocket, as the browser does.
"""

import asyncio
import html
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from cxworkshop.cluster import wait_for

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PASSWORD = "bench-password-1"
SOCKET_ADDRESS = re.compile(r'ws-connect="([^"]+)"')


def database_url():
    """The database under test: DATABASE_URL, else a fresh SQLite file."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"


def database_kind():
    """ "postgresql" or "sqlite": the database the benchmarks run on."""
    return "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"


# The limits a room of phones meets; every simulated phone comes from 127.0.0.1.
ROOM_LIMITS = ("CXW_ANSWER_RATE", "CXW_JOIN_ADDRESS_RATE", "CXW_JOIN_SESSION_RATE")


def server_env(db_url, real_limits=False, **extra):
    """The server's environment. The room's rate limits are raised, since every simulated phone
    comes from one address, unless `real_limits` (a venue's Wi-Fi is one address too)."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": db_url,
        "PYTHONUNBUFFERED": "1",
    }
    for name in ROOM_LIMITS:
        if real_limits:
            env.pop(name, None)  # the settings' own values, not the caller's shell's
        else:
            env[name] = "1000000/m"
    env.update(extra)
    return env


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def django_setup(db_url):
    """Use the app's models in this process, on the server's database."""
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxworkshop.settings")
    # The load generator is an asyncio program; its few setup queries may block it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class Server:
    """ASGI server processes serving the app; `urls` has one base URL per worker."""

    COMMANDS = {
        # Twisted listens with a backlog of 50 unless told; a join storm needs more.
        "daphne": [
            "daphne",
            "-e",
            "tcp:port={port}:interface=127.0.0.1:backlog=2048",
            "cxworkshop.asgi:application",
        ],
        # As `make run` serves it: one command line (cxworkshop/serve.py).
        "uvicorn": ["python", "-m", "cxworkshop.serve", "--host", "127.0.0.1", "--port", "{port}"],
    }

    def __init__(self, kind="daphne", workers=1, env=None):
        self.kind, self.workers, self.env = kind, workers, env
        self.processes, self.urls = [], []
        # Server errors go to a log beside the results, to read when something fails.
        RESULTS.mkdir(exist_ok=True)
        self.log = open(RESULTS / f"server-{kind}.log", "w")  # noqa: SIM115

    def __enter__(self):
        binary = Path(sys.executable).parent
        for _worker in range(self.workers):
            port = free_port()
            command = [part.format(port=port) for part in self.COMMANDS[self.kind]]
            command[0] = sys.executable if command[0] == "python" else str(binary / command[0])
            self.processes.append(
                subprocess.Popen(
                    command,
                    cwd=ROOT,
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=self.log,
                )
            )
            self.urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(self.urls, self.processes, strict=True):
            wait_for(url + "/healthz", process, timeout=60)
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=10)
        self.log.close()

    def rss_bytes(self):
        import psutil

        return sum(psutil.Process(process.pid).memory_info().rss for process in self.processes)

    def cpu_seconds(self):
        """CPU time (user + system) the server processes have used so far."""
        import psutil

        times = [psutil.Process(process.pid).cpu_times() for process in self.processes]
        return sum(t.user + t.system for t in times)


class profile:
    """py-spy sampling the first server process until stop(): collapsed stacks in
    bench/results/profile-<name>.txt (one line per stack, its sample count last)."""

    def __init__(self, server, name):
        import shutil

        self.path = RESULTS / f"profile-{name}.txt"
        spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy"
        self.process = subprocess.Popen(
            [spy, "record", "--pid", str(server.processes[0].pid), "--rate", "250", "--gil"]
            + ["--format", "raw", "--output", str(self.path), "--nonblocking"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1)

    def stop(self):
        """Stop sampling; keep the raw stacks (ignored by git) and commit a summary:
        bench/results/profile-<name>.json, the functions most samples were inside."""
        import collections
        import signal

        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=30)
        inside, total = collections.Counter(), 0
        for line in self.path.read_text().splitlines():
            stack, _, samples = line.rpartition(" ")
            total += int(samples)
            for frame in {re.sub(r":\d+\)$", ")", f) for f in stack.split(";")}:
                inside[frame] += int(samples)
        top = [
            {"share": round(samples / total, 3), "function": frame}
            for frame, samples in inside.most_common(60)
            if samples < total  # the event loop and thread plumbing every sample is in
        ]
        summary_path = self.path.with_suffix(".json")
        summary_path.write_text(json.dumps({"samples": total, "inside": top}, indent=1) + "\n")


async def measure_each(counts, kind, measure):
    """`await measure(server, count)` for each count, on one fresh server process: the rows."""
    db_url = database_url()
    env = server_env(db_url)
    migrate(env)
    django_setup(db_url)
    rows = []
    with Server(kind, 1, env) as server:
        for count in counts:
            row = await measure(server, count)
            rows.append({**row, "server": kind, "database": db_url.split(":")[0]})
    return rows


def migrate(env):
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def new_session(cards=80, **options):
    """A facilitator, a deck and a started session, made through the models."""
    from accounts.models import User
    from decks.models import Deck
    from sessions.models import LiveSession

    host = User.objects.create_user(f"host{secrets.token_hex(4)}@example.com", PASSWORD)
    deck = Deck.objects.create(title="Bench deck", owner=host)
    for number in range(cards):
        deck.add_card(
            prompt=f"Bench question {number}?", kind="memory" if number % 2 else "question"
        )
    options.setdefault("is_shuffled", False)
    return LiveSession.start(deck, host, join_base_url="http://127.0.0.1", **options)


def csrf_token(jar):
    return next((cookie.value for cookie in jar if cookie.key == "csrftoken"), "")


async def new_browser():
    return aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        timeout=aiohttp.ClientTimeout(total=120),
        connector=aiohttp.TCPConnector(limit=0),
    )


async def log_in(browser, base, email):
    async with browser.get(f"{base}/accounts/login/") as response:
        await response.read()
    data = {
        "username": email,
        "password": PASSWORD,
        "csrfmiddlewaretoken": csrf_token(browser.cookie_jar),
    }
    async with browser.post(
        f"{base}/accounts/login/", data=data, allow_redirects=False
    ) as response:
        assert response.status == 302, await response.text()


async def post(browser, url, data=None, htmx=False):
    headers = {"X-CSRFToken": csrf_token(browser.cookie_jar), "Referer": url}
    if htmx:
        headers["HX-Request"] = "true"
    async with browser.post(
        url, data=data or {}, headers=headers, allow_redirects=False
    ) as response:
        await response.read()
        return response.status


class Listener:
    """A WebSocket whose every text frame is kept with the time it arrived."""

    socket = listener = None

    def __init__(self):
        self.received = []  # (time, text)

    def start_listening(self):
        self.listener = asyncio.create_task(self.listen())

    async def listen(self):
        async for message in self.socket:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.received.append((time.perf_counter(), message.data))

    def first_after(self, started, marker):
        for at, text in self.received:
            if at >= started and marker in text:
                return at
        return None

    async def close(self):
        if self.listener:
            self.listener.cancel()
        if self.socket is not None:
            await self.socket.close()


class Phone(Listener):
    """One participant: a browser session that joined, and the phone's WebSocket."""

    def __init__(self, base, code, name):
        super().__init__()
        self.base, self.code, self.name = base, code, name
        self.browser = None

    async def join(self):
        """The join page, then the name posted: what a participant waits through."""
        self.browser = await new_browser()
        url = f"{self.base}/join/{self.code}/"
        async with self.browser.get(url) as response:
            await response.read()
        data = {
            "display_name": self.name,
            "csrfmiddlewaretoken": csrf_token(self.browser.cookie_jar),
        }
        headers = {"Referer": url}
        async with self.browser.post(
            url, data=data, headers=headers, allow_redirects=False
        ) as response:
            await response.read()
            if response.status != 302:
                raise RuntimeError(f"join failed: {response.status}")

    async def open_page(self):
        """The phone page the join redirects to (Phone.join does not follow it): its status.
        The socket then opens at the address the page gives, as the browser's does."""
        async with self.browser.get(f"{self.base}/join/{self.code}/") as response:
            page = await response.text()
        found = SOCKET_ADDRESS.search(page)
        self.socket_path = html.unescape(found.group(1)) if found else None
        return response.status

    async def connect(self):
        """The phone's socket, until its first message: the state, or a message that changes
        nothing if the page it came from is current (sessions/freshness.py)."""
        path = getattr(self, "socket_path", None) or f"/ws/join/{self.code}/"
        ws_url = self.base.replace("http", "ws") + path
        self.socket = await self.browser.ws_connect(ws_url, origin=self.base, heartbeat=None)
        first = await self.socket.receive(timeout=30)
        self.received.append((time.perf_counter(), first.data))
        self.start_listening()

    async def close(self):
        await super().close()
        if self.browser is not None:
            await self.browser.close()


async def join_all(server, session, count):
    """`count` phones joined and listening (spread over the workers), and the failures."""
    phones = [
        Phone(server.urls[number % len(server.urls)], session.join_code, f"P{number}")
        for number in range(count)
    ]
    joined = await gather_limited([phone.join() for phone in phones], limit=50)
    connected = await gather_limited([phone.connect() for phone in phones], limit=100)
    failed = [r for r in [*joined, *connected] if isinstance(r, BaseException)]
    return [phone for phone in phones if phone.listener is not None], failed


class Console(Listener):
    """The facilitator, logged in, with the console's WebSocket open."""

    async def open(self, base, session):
        self.base = base
        self.browser = await new_browser()
        await log_in(self.browser, base, session.facilitator.email)
        ws_url = base.replace("http", "ws") + f"/ws/live/{session.pk}/host/"
        self.socket = await self.browser.ws_connect(ws_url, origin=base, heartbeat=None)
        self.start_listening()
        return self

    async def command(self, session, name):
        from django.urls import reverse

        url = self.base + reverse("live_sessions:command", args=[session.pk, name])
        status = await post(self.browser, url)
        assert status in (200, 204, 302), status

    async def close(self):
        await super().close()
        await self.browser.close()


async def gather_limited(coroutines, limit=200):
    semaphore = asyncio.Semaphore(limit)

    async def run(coroutine):
        async with semaphore:
            return await coroutine

    return await asyncio.gather(*(run(c) for c in coroutines), return_exceptions=True)


def summary(samples_seconds):
    """p50/p95/p99/max in milliseconds."""
    if not samples_seconds:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(samples_seconds)

    def at(fraction):
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000, 1)

    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def machine():
    """What the figures were measured on: they are only comparable on the same machine."""
    import platform

    import psutil

    cpuinfo = Path("/proc/cpuinfo")
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
    return {
        "cpu": models[0].strip() if models else platform.processor() or None,
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


HEALTHZ = RESULTS / "healthz.json"


def record_healthz(cpu_ms, database):
    """The CPU cost of one /healthz request in this run (bench/costs.py): the unit every
    part's figures can be read in, since it moves with the machine as they do."""
    RESULTS.mkdir(exist_ok=True)
    HEALTHZ.write_text(
        json.dumps(
            {
                "healthz_cpu_ms": cpu_ms,
                "database": database,
                "machine": machine(),
                "measured_at": time.strftime("%Y-%m-%d %H:%M"),
            },
            indent=2,
        )
        + "\n"
    )


def healthz_cpu_ms():
    """The run's /healthz CPU cost, if bench/costs.py has measured it; else None."""
    try:
        return json.loads(HEALTHZ.read_text())["healthz_cpu_ms"]
    except (OSError, ValueError, KeyError):
        return None


def report(name, rows):
    """One JSON line per measurement on stdout, and all of them in bench/results/<name>.json,
    with the machine and the run's /healthz cost beside them."""
    RESULTS.mkdir(exist_ok=True)
    for row in rows:
        print(json.dumps({"benchmark": name, **row}), flush=True)
    (RESULTS / f"{name}.json").write_text(
        json.dumps(
            {
                "machine": machine(),
                "healthz_cpu_ms": healthz_cpu_ms(),
                "measured_at": time.strftime("%Y-%m-%d %H:%M"),
                "rows": rows,
            },
            indent=2,
        )
        + "\n"
    )


def strip_tags(text):
    return re.sub(r"<[^>]+>", "", text)

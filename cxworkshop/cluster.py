"""More than one worker: N Uvicorn processes behind nginx, on PostgreSQL and Redis.

    python -m cxworkshop.cluster serve --workers 2 --port 8000   # what `make serve-cluster` runs
    python -m cxworkshop.cluster nginx-config --workers 4 --port 80   # the site file for a server

The nginx site is deploy/nginx/cxworkshop.conf, filled in here for both: `serve` runs Debian's
nginx as an ordinary process with its files under .local/cluster/, `nginx-config` prints the site
for /etc/nginx/sites-available/. Each worker is `python -m cxworkshop.serve` (the options `make
run` uses) on its own port after --port. `Cluster` is also what the cluster test starts, kills a
worker of and starts again (tests/e2e/test_cluster.py).
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx" / "cxworkshop.conf"

# What nginx needs around the site to run as an ordinary process in a folder of its own.
MAIN = """\
worker_processes 1;
pid {prefix}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 8192; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
"""


def worker_ports(port, workers):
    return [port + number for number in range(1, workers + 1)]


def site_config(listen, ports):
    """deploy/nginx/cxworkshop.conf with its listen address and its workers filled in."""
    servers = "\n".join(
        f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports
    )
    return (
        SITE.read_text().replace("{{upstream_servers}}", servers).replace("{{listen}}", str(listen))
    )


def create_database(url):
    """DATABASE_URL's PostgreSQL database, created if it is not there yet."""
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    if not url.startswith("postgres"):
        sys.exit("Several workers need PostgreSQL: set DATABASE_URL=postgres://...")
    name = urlsplit(url).path.lstrip("/")
    server = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created the database {name}.")


def wait_for(url, process=None, timeout=30):
    """Until `url` answers 200 (a server started); an error if `process` ends meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the process ended with {process.returncode}.")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s.")


class Cluster:
    """nginx on `port` in front of `workers` app processes on the ports after it."""

    def __init__(self, port, workers, env=None, prefix=None, output=None, ports=None, host=None):
        self.port, self.ports = port, ports or worker_ports(port, workers)
        self.host = host or "127.0.0.1"  # nginx's; the workers listen on 127.0.0.1 only
        self.url = f"http://127.0.0.1:{port}"
        self.env = dict(os.environ if env is None else env)
        self.prefix = Path(prefix or ROOT / ".local" / "cluster").resolve()
        self.output = output  # a file for every process's output, else the terminal
        self.workers = {}  # port: process
        self.nginx = None

    def start(self):
        for port in self.ports:
            self.start_worker(port)
        self.start_nginx()
        return self

    def start_worker(self, port):
        command = [sys.executable, "-m", "cxworkshop.serve", "--host", "127.0.0.1"]
        self.workers[port] = subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=ROOT,
            env=self.env,
            stdout=self.output,
            stderr=subprocess.STDOUT if self.output else None,
        )
        wait_for(f"http://127.0.0.1:{port}/healthz", self.workers[port])

    def kill_worker(self, port):
        """As a crash does: no goodbye to any socket or request."""
        self.workers[port].send_signal(signal.SIGKILL)
        self.workers[port].wait(timeout=10)

    def start_nginx(self):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.prefix / folder).mkdir(parents=True, exist_ok=True)
        (self.prefix / "site.conf").write_text(site_config(f"{self.host}:{self.port}", self.ports))
        (self.prefix / "nginx.conf").write_text(MAIN.format(prefix=self.prefix))
        self.nginx = subprocess.Popen(
            [nginx, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf")]
            + ["-e", "stderr", "-g", "daemon off;"],
            stdout=self.output,
            stderr=subprocess.STDOUT if self.output else None,
        )
        wait_for(f"{self.url}/healthz", self.nginx)

    def stop(self):
        for process in [self.nginx, *self.workers.values()]:
            if process and process.poll() is None:
                process.terminate()
        for process in [self.nginx, *self.workers.values()]:
            if process:
                process.wait(timeout=20)

    def wait(self):
        """Until Ctrl-C, a SIGTERM or a process ends; then everything stops."""
        signal.signal(signal.SIGTERM, signal.default_int_handler)  # as Ctrl-C: stop them all
        try:
            while all(p.poll() is None for p in [self.nginx, *self.workers.values()]):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cxworkshop.cluster", description=__doc__)
    parser.add_argument("what", choices=["serve", "nginx-config", "database"])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--host", default="127.0.0.1", help="the address nginx listens on")
    parser.add_argument("--port", type=int, default=8000, help="nginx's; workers use the next")
    arguments = parser.parse_args(argv)
    if arguments.what == "nginx-config":
        sys.stdout.write(
            site_config(arguments.port, worker_ports(arguments.port, arguments.workers))
        )
        return
    if arguments.what == "database":
        create_database(os.environ.get("DATABASE_URL", ""))
        return
    if not os.environ.get("REDIS_URL"):
        sys.exit(
            "Several workers share live sessions through Redis: set REDIS_URL (and DATABASE_URL "
            "for PostgreSQL), as `make serve-cluster` does."
        )
    cluster = Cluster(arguments.port, arguments.workers, host=arguments.host).start()
    print(
        f"CX Workshop: nginx on {cluster.url} in front of {arguments.workers} workers "
        f"(ports {', '.join(map(str, cluster.ports))}). Ctrl-C stops them all.",
        flush=True,
    )
    cluster.wait()


if __name__ == "__main__":
    main()

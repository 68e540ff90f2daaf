"""The app served as a workshop serves it: one Uvicorn process with the options below, the one
command line that `make run` and the tests' server processes (test_faults.AppServer) share.

    python -m cxworkshop.serve --host 127.0.0.1 --port 8000

What the server's logs may hold is settings.LOGGING's business (cxworkshop/logs.py), so it
holds however Uvicorn is started.
"""

import argparse

import uvicorn

OPTIONS = {
    # A reverse proxy, if there is one, says who the client is (rate limits count per client).
    "proxy_headers": True,
    # A room joining at once connects faster than the listen queue's usual 100 drains.
    "backlog": 2048,
    # An access line is a client's address and a URL, which may carry a key or a token.
    "access_log": False,
    # Screens only listen: a browser's message is refused past 4 KiB, before it is inflated
    # (a 15 MB frame deflates to 15 KB on the wire; tests/test_hostile_sockets.py).
    "ws_max_size": 4096,
}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cxworkshop.serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    arguments = parser.parse_args(argv)
    uvicorn.run("cxworkshop.asgi:application", host=arguments.host, port=arguments.port, **OPTIONS)


if __name__ == "__main__":
    main()

"""Page weight and server time per page.

    python -m bench.pages [--requests 100]

Weight: the bytes a phone receives for its page and everything the page loads (styles,
scripts, icons), compressed as the browser would accept them ("br, gzip"), counted on the
wire (headers not included). Server time: the response time of the room, console, phone and
archive pages, each fetched `--requests` times one after another on an idle server (localhost,
so the network adds next to nothing).
"""

import argparse
import asyncio
import re
import time
from html.parser import HTMLParser
from urllib.parse import urljoin

from bench import harness

ACCEPT = {"Accept-Encoding": "br, gzip"}


class Assets(HTMLParser):
    """The URLs a page loads by itself: stylesheets, scripts, icons and images."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "link" and attrs.get("rel") in ("stylesheet", "icon") and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag == "img" and attrs.get("src", "").startswith("/"):
            self.urls.append(attrs["src"])


async def wire_bytes(browser, url):
    async with browser.get(url, headers=ACCEPT, auto_decompress=False) as response:
        body = await response.read()
        assert response.status == 200, (url, response.status)
        return len(body), response.headers.get("Content-Encoding", "identity"), response


async def page_weight(browser, url):
    size, encoding, _response = await wire_bytes(browser, url)
    async with browser.get(url) as response:
        html = await response.text()
    parser = Assets()
    parser.feed(html)
    parts = [{"url": url.split("/", 3)[-1], "bytes": size, "encoding": encoding}]
    for asset in dict.fromkeys(parser.urls):
        asset_url = urljoin(url, asset)
        size, encoding, response = await wire_bytes(browser, asset_url)
        parts.append({"url": asset, "bytes": size, "encoding": encoding})
        if asset.endswith(".css"):  # url(...) inside a stylesheet loads too
            async with browser.get(asset_url) as css:
                for inner in re.findall(r"url\(['\"]?([^'\")]+)", await css.text()):
                    if not inner.startswith("data:"):
                        inner_size, inner_encoding, _ = await wire_bytes(
                            browser, urljoin(asset_url, inner)
                        )
                        parts.append(
                            {"url": inner, "bytes": inner_size, "encoding": inner_encoding}
                        )
    return {"total_bytes": sum(part["bytes"] for part in parts), "parts": parts}


async def timed_gets(browser, url, count):
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        async with browser.get(url) as response:
            await response.read()
            assert response.status == 200, (url, response.status)
        samples.append(time.perf_counter() - started)
    return harness.summary(samples)


async def run(requests):
    from django.urls import reverse

    db_url = harness.database_url()
    env = harness.server_env(db_url)
    harness.migrate(env)
    harness.django_setup(db_url)
    rows = []
    with harness.Server("uvicorn", 1, env) as server:
        base = server.urls[0]
        session = harness.new_session()
        phones, failed = await harness.join_all(server, session, 30)
        assert not failed, failed
        console = await harness.Console().open(base, session)
        await console.command(session, "next")
        phone = phones[0]
        phone_url = f"{base}/join/{session.join_code}/"
        weight = await page_weight(phone.browser, phone_url)
        rows.append({"measure": "page_weight", "page": "phone", **weight})
        pages = {
            "room": reverse("live_sessions:room", args=[session.pk]),
            "console": reverse("live_sessions:console", args=[session.pk]),
            "archive": reverse("stories:archive"),
        }
        for name, path in pages.items():
            rows.append(
                {
                    "measure": "server_time",
                    "page": name,
                    "requests": requests,
                    **await timed_gets(console.browser, base + path, requests),
                }
            )
        rows.append(
            {
                "measure": "server_time",
                "page": "phone",
                "requests": requests,
                **await timed_gets(phone.browser, phone_url, requests),
            }
        )
        await console.close()
        await harness.gather_limited([p.close() for p in phones])
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args(argv)
    rows = asyncio.run(run(args.requests))
    harness.report("pages", rows)
    return rows


if __name__ == "__main__":
    main()

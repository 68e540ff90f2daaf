"""Answer burst: N phones answer the same card at the same moment.

    python -m bench.answer_burst [N ...] [--server uvicorn]

Every phone posts its answer as the browser does (htmx, CSRF header) at once. Measured: POST
latency, the answers in the database afterwards, and the answers the facilitator's console
received over its WebSocket (each answer's element id, counted once), with the time until the
console showed the last one.
"""

import argparse
import asyncio
import re
import time

from bench import harness

ANSWER_ID = re.compile(r'id="host-answer-(\d+)"')
WAIT = 60


async def answer(phone):
    from django.urls import reverse

    url = phone.base + reverse("live_sessions:answer", args=[phone.code])
    started = time.perf_counter()
    status = await harness.post(phone.browser, url, {"text": f"Answer from {phone.name}"}, True)
    if status != 200:
        raise RuntimeError(f"answer failed: {status}")
    return time.perf_counter() - started


def delivered(console, started):
    """Answer ids the console has been sent since `started`, and when the last new one came."""
    seen, last = set(), None
    for at, text in console.received:
        if at >= started:
            new = set(ANSWER_ID.findall(text)) - seen
            if new:
                seen |= new
                last = at
    return seen, last


async def measure(server, count, profile=False):
    from sessions.models import Answer

    session = harness.new_session()
    phones, failed = await harness.join_all(server, session, count)
    console = await harness.Console().open(server.urls[0], session)
    await console.command(session, "next")  # the first card: a question
    await asyncio.sleep(1)
    profiler = harness.profile(server, f"answer-burst-{count}") if profile else None
    started = time.perf_counter()
    results = await asyncio.gather(*(answer(phone) for phone in phones), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    deadline = time.perf_counter() + WAIT
    while len(delivered(console, started)[0]) < count and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    seen, last = delivered(console, started)
    if profiler:
        profiler.stop()
    row = {
        "measure": "answer_burst",
        "phones": count,
        "post": harness.summary([r for r in results if not isinstance(r, BaseException)]),
        "errors": len(errors) + len(failed),
        "first_error": repr((errors or failed)[0])[:200] if errors or failed else None,
        "answers_in_db": Answer.objects.filter(session_card__session=session).count(),
        "answers_on_console": len(seen),
        "console_updates": sum(at >= started for at, _text in console.received),
        "console_complete_ms": round((last - started) * 1000, 1) if last else None,
    }
    await console.close()
    await harness.gather_limited([phone.close() for phone in phones], limit=500)
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("counts", nargs="*", type=int, default=[1000])
    parser.add_argument("--server", default="uvicorn", choices=sorted(harness.Server.COMMANDS))
    parser.add_argument("--profile", action="store_true", help="py-spy the server's burst")
    args = parser.parse_args(argv)
    rows = asyncio.run(
        harness.measure_each(
            args.counts, args.server, lambda server, count: measure(server, count, args.profile)
        )
    )
    harness.report(f"answer-burst-{harness.database_kind()}", rows)
    return rows


if __name__ == "__main__":
    main()

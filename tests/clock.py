"""Run the whole suite under another clock, to find tests and code that depend on the time.

    CXW_TEST_CLOCK=2028-02-29T23:30:00+00:00 make test
    TIME_ZONE=Pacific/Kiritimati make test      (Django sets the process's TZ from it)
    PYTEST_ARGS=--randomly-seed=1234 make test  (repeat the order a run printed)

With CXW_TEST_CLOCK set, the test process starts at that instant and its clock runs on from
there (time-machine). Processes forked from it (the browser tests' Daphne server) share the
patched clock; processes started afresh (the fault tests' Uvicorn) get the same offset through
libfaketime when it is installed (`apt-get install faketime`), and keep the real clock without
it. `make test` itself needs neither.
"""

import glob
import os
from datetime import datetime

import time_machine

# Debian's place for it, whatever the machine's architecture.
LIBFAKETIME = next(iter(glob.glob("/usr/lib/*/faketime/libfaketime.so.1")), "")


def travel_from_environment():
    """Start travelling to CXW_TEST_CLOCK, if it is set; return the traveller (or None)."""
    clock = os.environ.get("CXW_TEST_CLOCK", "").strip()
    if not clock:
        return None
    destination = datetime.fromisoformat(clock)
    if destination.tzinfo is None:
        raise ValueError(f"CXW_TEST_CLOCK needs an offset, as in {clock}+00:00.")
    traveller = time_machine.travel(destination, tick=True)
    traveller.start()
    return traveller


def describe():
    """One line for the test report's header."""
    clock = os.environ.get("CXW_TEST_CLOCK", "").strip()
    zones = f"TZ={os.environ.get('TZ', '')!r}, TIME_ZONE={os.environ.get('TIME_ZONE', 'UTC')!r}"
    if not clock:
        return f"clock: real; {zones}"
    servers = "libfaketime" if LIBFAKETIME else "real clock (no libfaketime)"
    return f"clock: {clock}, ticking; {zones}; server subprocesses: {servers}"


def subprocess_environment():
    """Variables that give a fresh process the clock this one runs on."""
    if not os.environ.get("CXW_TEST_CLOCK", "").strip() or not LIBFAKETIME:
        return {}
    offset = datetime.now().timestamp() - time_machine.escape_hatch.time.time()
    return {
        "LD_PRELOAD": LIBFAKETIME,
        "FAKETIME": f"{offset:+.3f}",
        # Uvicorn's event loop and asyncio need a monotonic clock that stays monotonic.
        "DONT_FAKE_MONOTONIC": "1",
    }

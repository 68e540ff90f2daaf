"""Tests that need a running service skip without it, unless REQUIRE_SERVICES=1 (as on CI)."""

import os

import pytest


def service_missing(name, detail, hint="start it to run this test"):
    message = f"{name} is not available ({detail})"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message}, and REQUIRE_SERVICES=1 requires it.")
    pytest.skip(f"{message}; {hint}.")

"""Settings come from the environment; production refuses to start half-configured."""

import os
import socket
import subprocess
import sys
from pathlib import Path

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from cxworkshop.network import allowed_hosts, lan_addresses
from tests.services import service_missing

ROOT = Path(__file__).resolve().parent.parent


def run_django(code, **env):
    """Start Django in a fresh process with exactly these settings variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.pop("REDIS_URL", None)
    clean.update(env)
    script = f"import django; django.setup()\n{code}"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "cxworkshop.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django("", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) is required" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_django("", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="s" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is required" in result.stderr


def test_production_reads_the_secret_key_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("k" * 50 + "\n")
    result = run_django(
        "from django.conf import settings; print(settings.SECRET_KEY, settings.DEBUG)",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY_FILE=str(key_file),
        DJANGO_ALLOWED_HOSTS="example.com",
    )
    assert result.stdout.split() == ["k" * 50, "False"]


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    result = run_django(
        "from django.db import connection\n"
        "cursor = connection.cursor(); cursor.execute('PRAGMA journal_mode')\n"
        "print(cursor.fetchone()[0], connection.settings_dict['OPTIONS']['transaction_mode'])",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.stdout.split() == ["wal", "IMMEDIATE"]


def test_database_and_redis_urls_switch_the_backends():
    result = run_django(
        "from django.conf import settings\n"
        "print(settings.DATABASES['default']['ENGINE'])\n"
        "print(settings.CHANNEL_LAYERS['default']['BACKEND'])\n"
        "print(settings.CACHES['default']['BACKEND'])",
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "channels_redis.pubsub.RedisPubSubChannelLayer",
        "cxworkshop.cache.TolerantRedisCache",
    ]


def test_the_configured_channel_layer_delivers_to_a_group():
    async def round_trip():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add("settings-check", channel)
        await layer.group_send("settings-check", {"type": "check", "text": "hello"})
        message = await layer.receive(channel)
        await layer.group_discard("settings-check", channel)
        return message

    assert async_to_sync(round_trip)() == {"type": "check", "text": "hello"}


def test_redis_carries_group_messages_between_separate_layers():
    """Two layers stand for two ASGI workers sharing one workshop through Redis."""
    from channels_redis.pubsub import RedisPubSubChannelLayer as layer_class  # what we ship

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError as error:
        service_missing("Redis", f"{url}: {error}")

    async def round_trip():
        sender, receiver = layer_class(hosts=[url]), layer_class(hosts=[url])
        channel = await receiver.new_channel()
        await receiver.group_add("cross-worker-check", channel)
        await sender.group_send("cross-worker-check", {"type": "check", "text": "from afar"})
        message = await receiver.receive(channel)
        await receiver.group_discard("cross-worker-check", channel)
        return message

    assert async_to_sync(round_trip)() == {"type": "check", "text": "from afar"}


def test_make_run_on_this_machine_allows_only_its_local_names():
    assert allowed_hosts("127.0.0.1") == ["localhost", "127.0.0.1", "[::1]"]


def test_make_run_on_all_interfaces_also_allows_the_lan_addresses():
    hosts = allowed_hosts("0.0.0.0")
    assert set(lan_addresses()) <= set(hosts)
    assert "localhost" in hosts and "0.0.0.0" not in hosts


def deployment_check(**env):
    """`manage.py check --deploy` on production settings, warnings counting as failures."""
    return run_django(
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='WARNING')",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="Zq4-x8Lp_2mW" * 5,
        DJANGO_ALLOWED_HOSTS="workshop.example.com",
        **env,
    )


def test_the_production_settings_pass_djangos_deployment_checks():
    result = deployment_check(DJANGO_HTTPS="1")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_without_https_the_deployment_checks_say_what_is_missing():
    result = deployment_check()
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stderr

"""Django's Redis cache, made to shrug off a Redis that is down.

The cache holds what can be rebuilt: sessions (written through to the database), rate-limit
counts, page fragments. If Redis is unreachable, a read is a miss, a write is skipped, and a
counter starts again from one (rate limits open up rather than lock everyone out); pages
keep working from the database, and Redis is used again as soon as it answers.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def tolerant(fallback):
    """Run the cache call; if Redis cannot be reached, log it and return `fallback(...)`."""

    def decorate(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE:
                logger.warning("Cache unreachable: %s skipped", method.__name__)
                return fallback(*args, **kwargs)

        return call

    return decorate


def missing_counter(*args, **kwargs):
    raise ValueError("the counter is not in the cache")  # django-ratelimit starts it at one


class TolerantRedisCache(RedisCache):
    get = tolerant(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = tolerant(lambda keys, version=None: {})(RedisCache.get_many)
    has_key = tolerant(lambda key, version=None: False)(RedisCache.has_key)
    add = tolerant(lambda *args, **kwargs: False)(RedisCache.add)
    set = tolerant(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = tolerant(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = tolerant(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = tolerant(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = tolerant(lambda *args, **kwargs: None)(RedisCache.delete_many)
    incr = tolerant(missing_counter)(RedisCache.incr)
    clear = tolerant(lambda *args, **kwargs: False)(RedisCache.clear)

"""SQLite, with this process's write transactions taking turns on a lock.

SQLite has one writer at a time. Django's ASGI handler runs each request's sync code in a
thread of its own, so a room of phones answering at once means dozens of threads asking
SQLite for the write lock; SQLite's busy handler polls with growing sleeps, is not fair, and
under load a thread can lose for the whole timeout and fail with "database is locked".
Queuing the threads on a lock first keeps SQLite's own wait for other processes
(`manage.py` commands) and turns the rest into a plain queue.
"""

import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base

WRITE_LOCK = threading.Lock()
WAIT_SECONDS = 30


class DatabaseWrapper(base.DatabaseWrapper):
    holds_write_lock = False

    def _start_transaction_under_autocommit(self):
        if not WRITE_LOCK.acquire(timeout=WAIT_SECONDS):
            raise OperationalError("database is locked (waited for other writers)")
        self.holds_write_lock = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self.release_write_lock()
            raise

    def release_write_lock(self):
        if self.holds_write_lock:
            self.holds_write_lock = False
            WRITE_LOCK.release()

    def _commit(self):
        try:
            super()._commit()
        finally:
            self.release_write_lock()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self.release_write_lock()

    def _close(self):
        try:
            super()._close()
        finally:
            self.release_write_lock()

"""Shared state of translate runs: the answer cache, failure records and in-flight locks.

``open_store(project)`` picks the backend: PostgreSQL when ``LOCALIZE_STORE_URL``
is set or ``[store] url`` names one (the password only ever comes from the
environment or ``~/.pgpass``), else SQLite and JSON under ``.localize/``.
"""

from __future__ import annotations

import os
from pathlib import Path

from localize.store.base import Answer, Store, StoreError, lock_id, shown_url

__all__ = ["STORE_URL_ENV", "Answer", "Store", "StoreError", "lock_id", "open_store", "shown_url"]

STORE_URL_ENV = "LOCALIZE_STORE_URL"


def store_url(configured: str) -> str:
    """The URL to connect to: ``LOCALIZE_STORE_URL`` (may carry the password) wins over the toml."""
    return os.environ.get(STORE_URL_ENV, "").strip() or configured


def open_store(state_dir: Path, configured_url: str = "") -> Store:
    """The project's store: PostgreSQL when a URL is configured, else the local one."""
    url = store_url(configured_url)
    if url:
        from localize.store.postgres import PostgresStore

        return PostgresStore(url)
    from localize.store.local import LocalStore

    return LocalStore(state_dir)

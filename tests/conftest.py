"""Shared test helpers."""

from __future__ import annotations

import os
import shutil

import pytest


def require_tool(name: str) -> str:
    """Path of a system tool; skip visibly without it, but fail under CI, which installs it."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed (apt-get install the package that provides it)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must install it")
    pytest.skip(message)
    raise AssertionError("unreachable")


PG_URL_ENV = "LOCALIZE_TEST_PG_URL"


def require_postgres() -> str:
    """The throwaway PostgreSQL server's superuser URL (``.ci/run`` starts one and exports it).

    Skips visibly without it, but fails under CI, which must provide it.
    """
    url = os.environ.get(PG_URL_ENV, "")
    if url:
        return url
    message = (f"no PostgreSQL server: set {PG_URL_ENV} (.ci/run starts a throwaway one with "
               ".ci/pg-throwaway after apt-get install postgresql)")
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must provide it")
    pytest.skip(message)
    raise AssertionError("unreachable")


@pytest.fixture
def pg_database() -> object:
    """A fresh, empty database on the test server, dropped afterwards; yields its URL."""
    import uuid
    from urllib.parse import urlsplit, urlunsplit

    import psycopg  # a dependency of localize itself: never a reason to skip

    admin = require_postgres()
    name = f"localize_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(admin)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

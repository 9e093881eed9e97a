"""localize: articles in, reviewed gettext catalogs and parallel locale pages out.

The stages are importable one by one (see ``localize.api`` for the short list);
``localize.cli`` is a thin command-line layer over them.
"""

__version__ = "0.1.0"

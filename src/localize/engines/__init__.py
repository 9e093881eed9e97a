"""Machine-translation engines behind one small interface (SPEC section 7)."""

from localize.engines.base import Engine, PermanentError, TransientError, parse_retry_after
from localize.engines.codes import engine_code
from localize.engines.registry import BUILTIN_ENGINES, get_engine, known_engines

__all__ = [
    "BUILTIN_ENGINES",
    "Engine",
    "PermanentError",
    "TransientError",
    "engine_code",
    "get_engine",
    "known_engines",
    "parse_retry_after",
]

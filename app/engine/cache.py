"""Parsed specs per deployed version: parse once per process, reuse for every instance."""
from __future__ import annotations

import threading

from app.engine.parser import ParsedProcess, parse_bundle

_cache: dict[str, ParsedProcess] = {}
_lock = threading.Lock()


def parsed_process(content_hash: str, key: str, bundle: dict[str, str]) -> ParsedProcess:
    """The parsed process of a deployed version, parsed on first use."""
    cache_key = f"{content_hash}:{key}"
    found = _cache.get(cache_key)
    if found is not None:
        return found
    with _lock:
        found = _cache.get(cache_key)
        if found is None:
            found = parse_bundle(bundle, key)
            _cache[cache_key] = found
    return found

"""Query results kept in memory under their ETag, for the canned API and /sparql alike.

A snapshot never changes, so a result is fully determined by the snapshot, the query as it
runs (text, bindings, dataset, row cap) and the format: a hash of those is the ETag, and a
result cached under it stays right until a newer snapshot makes new requests miss it.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

CACHE_CONTROL = "public, no-cache"  # keep a copy, but revalidate: the ETag makes that cheap


class ResultCache:
    """Serialized results by ETag; least recently used out first, bounded in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.entry_limit = max_bytes // 4
        self._entries: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
        self._size = 0

    def get(self, key: str) -> tuple[str, bytes] | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: str, media_type: str, body: bytes) -> None:
        if len(body) > self.entry_limit or key in self._entries:
            return
        self._entries[key] = (media_type, body)
        self._size += len(body)
        while self._size > self.max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self._size -= len(evicted)

    async def keep(
        self, chunks: AsyncIterator[bytes], key: str, media_type: str
    ) -> AsyncIterator[bytes]:
        """The chunks of a streamed result, kept as they pass unless they grow too big."""
        kept: bytearray | None = bytearray()
        async for chunk in chunks:
            if kept is not None:
                kept += chunk
                if len(kept) > self.entry_limit:
                    kept = None
            yield chunk
        if kept is not None:
            self.put(key, media_type, bytes(kept))


def etag(*parts: Any) -> str:
    """A strong ETag over everything that determines a result."""
    return '"' + hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an If-None-Match header names this ETag (or any, with *)."""
    if not if_none_match:
        return False
    candidates = {candidate.strip().removeprefix("W/") for candidate in if_none_match.split(",")}
    return "*" in candidates or tag in candidates

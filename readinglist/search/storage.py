"""Index files read through memory maps, without Whoosh's copy of every file into memory.

Whoosh's own ``FileStorage`` maps a segment and then wraps the map in ``BytesIO``, which
copies the whole postings and stored-fields files onto the heap: about 900 MB resident for
100,000 papers.  Reading the map in place keeps the speed of memory access while the
pages stay in the shared, reclaimable page cache (measured in docs/benchmarks.md).
"""

from __future__ import annotations

import mmap
import os
import sys
from array import array
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

_SWAP = sys.byteorder == "little"  # Whoosh stores arrays big-endian


class _Window:
    """A read-only file object over ``[start, start + length)`` of a memory map."""

    __slots__ = ("end", "mm", "pos", "start")

    def __init__(self, mm: mmap.mmap, start: int, length: int) -> None:
        self.mm = mm
        self.start = start
        self.end = start + length
        self.pos = start

    def read(self, n: int | None = -1) -> bytes:
        stop = self.end if n is None or n < 0 else min(self.pos + n, self.end)
        data = self.mm[self.pos : stop]
        self.pos = stop
        return data

    def readline(self, _limit: int = -1) -> bytes:
        nl = self.mm.find(b"\n", self.pos, self.end)
        stop = self.end if nl < 0 else nl + 1
        data = self.mm[self.pos : stop]
        self.pos = stop
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (self.start, self.pos, self.end)[whence]
        self.pos = base + offset
        return self.pos - self.start

    def tell(self) -> int:
        return self.pos - self.start

    def close(self) -> None:
        """The map is closed by the file that owns it."""


class MappedFile(StructFile):  # type: ignore[misc]
    """A Whoosh ``StructFile`` reading straight from a memory map."""

    is_closed: bool

    def __init__(
        self, mm: mmap.mmap, start: int, length: int, name: str | None, *, owner: bool
    ) -> None:
        super().__init__(_Window(mm, start, length), name=name)
        self._mm = mm
        self._start = start
        self._owner = owner
        self.is_real = False  # no fileno(): Whoosh must not map it again

    def get(self, position: int, length: int) -> bytes:
        """Override: slice the map instead of seeking a file."""
        at = self._start + position
        return self._mm[at : at + length]

    def get_array(self, position: int, typecode: str, length: int) -> array[Any]:
        """Override: same bytes, read without a seek."""
        a = array(typecode)
        a.frombytes(self.get(position, length * a.itemsize))
        if _SWAP:
            a.byteswap()
        return a

    def subset(self, offset: int, length: int, name: str | None = None) -> MappedFile:
        """Override: a compound segment's member file is a window on the same map."""
        return MappedFile(self._mm, self._start + offset, length, name or self._name, owner=False)

    def close(self) -> None:
        """Override: unmap (once) instead of closing a file descriptor."""
        if self.is_closed:
            return
        self.is_closed = True
        if self.onclose:
            self.onclose(self)
        if self._owner:
            self._mm.close()


class MappedStorage(FileStorage):  # type: ignore[misc]
    """A Whoosh directory whose files are read through memory maps, never copied."""

    def __init__(self, path: str) -> None:
        # supports_mmap=False stops compound segments from being mapped *and copied*;
        # their member files come through MappedFile.subset instead.
        super().__init__(path, supports_mmap=False)
        self._columns: dict[str, bool] = {}

    def file_exists(self, name: str) -> bool:
        """Override: remember whether a segment's column file exists.

        Writing a segment asks, for every posting of a field without lengths (ids, flags,
        numbers), whether that field's length column exists: a stat() call each time.  A
        finished segment's files never change, so the answer can be kept.
        """
        if not name.endswith(".col"):
            return bool(super().file_exists(name))
        known = self._columns.get(name)
        if known is None:
            known = self._columns[name] = bool(super().file_exists(name))
        return known

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        """Override: map the file read-only."""
        path = self._fpath(name)
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size == 0:  # an empty file cannot be mapped
                return StructFile(open(path, "rb"), name=name, **kwargs)
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        return MappedFile(mm, 0, size, name, owner=True)

"""Bounded bookkeeping for long import runs: memory that does not grow with the file."""

from collections import OrderedDict


class BoundedCache(OrderedDict):
    """A dictionary that forgets its least recently used entries beyond ``size``."""

    def __init__(self, size):
        super().__init__()
        self.size = size

    def get(self, key, default=None):
        if key in self:
            self.move_to_end(key)
            return super().__getitem__(key)
        return default

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.move_to_end(key)
        if len(self) > self.size:
            self.popitem(last=False)


class PrimaryKeySet:
    """Which primary keys of one model were met: a bit each, in pages of ``PAGE`` keys, so a
    long run stays small (about 1 KiB per 8,000 records) however large the keys are."""

    PAGE = 4096

    def __init__(self):
        self.pages = {}

    def add(self, pk):
        """Mark ``pk``; returns whether it was marked already."""
        page_number, offset = divmod(pk, self.PAGE)
        page = self.pages.get(page_number)
        if page is None:
            page = self.pages[page_number] = bytearray(self.PAGE // 8)
        byte, bit = divmod(offset, 8)
        seen = bool(page[byte] & (1 << bit))
        page[byte] |= 1 << bit
        return seen


CACHE_SIZE = 10_000

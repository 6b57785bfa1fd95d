"""Reading an import file: decoded line by line (so memory stays flat) with bytes counted for
progress, and decoding errors reported with the line they are on."""

from pathlib import Path

from .problems import Location

BOM = "\ufeff"


class EncodingProblem(Exception):
    """A line that is not valid UTF-8."""

    def __init__(self, line, column, raw):
        self.line = line
        self.column = column
        self.raw = raw
        super().__init__(f"line {line} is not UTF-8 text (byte {column} of the line)")

    def message(self):
        return (
            f"not UTF-8 text (byte {self.column} of the line); save the file as UTF-8 "
            "and import it again"
        )


class Source:
    """One file being imported."""

    def __init__(self, path, max_bytes=None):
        self.path = Path(path)
        self.max_bytes = max_bytes  # for files the import names (capture files)
        self.display = str(path)
        self.size = self.path.stat().st_size
        self.bytes_read = 0

    @property
    def folder(self):
        """The import's folder: files the import names must stay inside it."""
        return self.path.absolute().parent

    @property
    def fraction(self):
        return min(1.0, self.bytes_read / self.size) if self.size else 1.0

    def location(self, line=None, record=None):
        return Location(self.display, line, record)

    def chunks(self, size=1 << 16):
        """The raw bytes, a chunk at a time."""
        with self.path.open("rb") as handle:
            while chunk := handle.read(size):
                self.bytes_read += len(chunk)
                yield chunk

    def lines(self):
        """Yield (line number, text) for each line, line endings kept.

        Raises EncodingProblem at the first line that is not UTF-8. A leading byte order mark
        (as spreadsheet programs write) is dropped.
        """
        with self.path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                self.bytes_read += len(raw)
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    raise EncodingProblem(number, error.start, raw) from None
                if number == 1 and text.startswith(BOM):
                    text = text[1:]
                yield number, text

    def read_text(self):
        """The whole file as text. Raises EncodingProblem at the line that is not UTF-8."""
        raw = self.path.read_bytes()
        self.bytes_read = len(raw)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            column = error.start - (raw.rfind(b"\n", 0, error.start) + 1)
            raise EncodingProblem(line, column, b"") from None
        return text.removeprefix(BOM)

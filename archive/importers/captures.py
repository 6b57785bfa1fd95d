"""Text captures: an article's text exactly as it was received, one paragraph a line."""

from pathlib import Path


class CaptureError(ValueError):
    pass


def capture_paragraphs(text):
    """The non-blank lines of a capture, each kept verbatim (line endings aside)."""
    return [line.rstrip("\r") for line in text.split("\n") if line.strip()]


def body_from_capture(text, exclude=()):
    """The article body: the capture's paragraphs, less the lines named as page furniture."""
    excluded = set(exclude)
    return "\n\n".join(line for line in capture_paragraphs(text) if line not in excluded)


def file_in_folder(folder, relative_path, what="capture file"):
    """The path of the regular file ``relative_path`` names inside ``folder``, never outside
    it: an absolute path, a “..”, or a symbolic link leading out is refused (CaptureError), as
    is a file that is missing or not a regular file (a device, a pipe). ``what`` names the file
    in the messages."""
    folder = Path(folder).resolve()
    given = Path(relative_path)
    path = (folder / relative_path).resolve()
    if given.is_absolute() or ".." in given.parts or not path.is_relative_to(folder):
        raise CaptureError(f"“{relative_path}” points outside the import's folder {folder}")
    if not path.is_file():
        if path.exists() and not path.is_dir():
            raise CaptureError(f"{what} “{relative_path}” is not a regular file (a device or pipe)")
        raise CaptureError(f"{what} “{relative_path}” not found in {folder}")
    return path


def read_capture(folder, relative_path, max_bytes=None):
    """The text of a capture file inside ``folder`` (never outside it).

    Decoding valid UTF-8 is lossless, so the SHA-256 of the returned text (``sha256_of``)
    equals the SHA-256 of the file's bytes.
    """
    path = file_in_folder(folder, relative_path)
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise CaptureError(
            f"capture file “{relative_path}” is {size:,} bytes, over the import limit of "
            f"{max_bytes:,} bytes (ARCHIVE_IMPORT_MAX_BYTES, or --max-bytes for one run)"
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CaptureError(
            f"capture file “{relative_path}” is not UTF-8 (line {line}, byte {error.start})"
        ) from None
    return text

"""Reading images and PDFs safely, and making their preview images.

Images are opened with Pillow under the archive's pixel limit (``ARCHIVE_MAX_IMAGE_PIXELS``): a
small file declaring a huge picture (a decompression bomb) is refused before it is decoded.
PDFs are opened with pypdfium2 for their page count and a picture of the first page. Previews
are new images made from the pixels alone, so no EXIF (location, camera) is carried over.
"""

import contextlib
import io
import math
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError


class Unreadable(ValueError):
    """The file is of an accepted type but cannot be read safely (the message says why)."""


@dataclass
class Facts:
    """What reading the file found out."""

    width: int | None = None
    height: int | None = None
    page_count: int | None = None
    picture: Image.Image | None = field(default=None, repr=False)  # to make previews from


def _pixel_limit():
    return settings.ARCHIVE_MAX_IMAGE_PIXELS


def read_image(stream):
    limit = _pixel_limit()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, limit
        try:
            stream.seek(0)
            image = Image.open(stream)
            width, height = image.size
            if width * height > limit:
                raise Image.DecompressionBombError("too many pixels")
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Unreadable(
                f"the image declares more than {limit:,} pixels (the archive's limit); "
                "it may be a decompression bomb. Scale it down and upload it again."
            ) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise Unreadable(f"the image cannot be read ({error}).") from None
        finally:
            Image.MAX_IMAGE_PIXELS = previous
    return Facts(width=width, height=height, picture=image)


def read_pdf(stream):
    import pypdfium2

    stream.seek(0)
    try:
        pdf = pypdfium2.PdfDocument(stream.read())
    except pypdfium2.PdfiumError as error:
        raise Unreadable(f"it starts like a PDF but cannot be read as one ({error}).") from None
    try:
        page_count = len(pdf)
        if page_count == 0:
            return Facts(page_count=0)
        page = pdf[0]
        width, height = page.get_size()
        widest = max(settings.ARCHIVE_THUMBNAIL_WIDTHS)
        # The page drawn at the widest preview's width, but never past the pixel limit
        # (a page 100 points wide and a kilometre tall).
        scale = widest / max(width, 1)
        most = math.sqrt(min(_pixel_limit(), 4 * widest * widest) / max(width * height, 1))
        scale = min(scale, most)
        picture = page.render(scale=scale).to_pil()
        return Facts(page_count=page_count, picture=picture)
    except pypdfium2.PdfiumError:
        return Facts(page_count=page_count)  # pages too damaged to draw: no preview
    finally:
        pdf.close()


def previews(picture):
    """{width: WebP bytes} of the picture at each preview width no wider than it (or at its own
    width when it is narrower than all of them), EXIF-free and turned upright."""
    with contextlib.suppress(OSError, ValueError, SyntaxError):
        picture = ImageOps.exif_transpose(picture)
    if picture.mode not in ("RGB", "RGBA"):
        picture = picture.convert("RGBA" if "transparency" in picture.info else "RGB")
    widths = [w for w in settings.ARCHIVE_THUMBNAIL_WIDTHS if w < picture.width]
    widths = widths or [picture.width]
    made = {}
    for width in widths:
        height = max(1, round(picture.height * width / picture.width))
        resized = picture.resize((width, height), Image.Resampling.LANCZOS)
        clean = Image.new(resized.mode, resized.size)
        clean.paste(resized)
        out = io.BytesIO()
        clean.save(out, "WEBP", quality=80)
        made[width] = out.getvalue()
    return made

"""Everything that brings data into the archive goes through here.

``import_paths`` is the single entry point: the seed loader, the ``import_archive`` command and
every format use it, and it validates each record with the model's own ``full_clean``.
"""

from .locking import ArchiveBusy
from .problems import ImportFailed
from .run import import_paths

__all__ = ["ArchiveBusy", "ImportFailed", "import_paths"]

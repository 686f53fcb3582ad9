"""Atomic writes: a reader never sees a half-written file or folder.

Every file the pipeline writes (processed data, the CBS cache, charts and their CSV, the run
manifest, downloaded CBS tables) goes through :func:`write_atomic`: written to a temporary file in
the same folder, then put in place with ``os.replace``. On failure the temporary file is removed
and an existing file is left untouched.

``tempfile`` creates private files (mode 600) and folders (700); published files must be readable
by a web server, so the result gets the usual modes: 644 for files, 755 for folders.
"""

from __future__ import annotations

import filecmp
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

FILE_MODE = 0o644
FOLDER_MODE = 0o755


def write_atomic(
    path: str | os.PathLike, write: Callable[[Path], object], *, keep_unchanged: bool = False
) -> Path:
    """Call ``write(tmp)`` to fill a temp file next to ``path``, then replace ``path`` with it.

    ``keep_unchanged``: when ``path`` already holds exactly these bytes it is left alone (its
    modification time too), so that what depends on it (the site's fingerprints) sees nothing
    new."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        if keep_unchanged and path.is_file() and filecmp.cmp(tmp, path, shallow=False):
            tmp.unlink()
            return path
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` atomically (line endings as given)."""

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding=encoding, newline="") as fh:
            fh.write(text)

    return write_atomic(path, write)


def make_readable(folder: str | os.PathLike) -> None:
    """Give a folder made by ``tempfile.mkdtemp`` (and everything in it) the usual modes."""
    folder = Path(folder)
    os.chmod(folder, FOLDER_MODE)
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames:
            os.chmod(Path(dirpath) / name, FOLDER_MODE)
        for name in filenames:
            p = Path(dirpath) / name
            if not p.is_symlink():
                os.chmod(p, FILE_MODE)


def write_parquet(df, path: str | os.PathLike, metadata: dict[str, str] | None = None) -> Path:
    """Write a pandas frame as parquet (no index) atomically; ``metadata`` goes into the file's
    schema metadata (read back with ``pyarrow.parquet.read_schema(path).metadata``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    if metadata:
        meta = dict(table.schema.metadata or {})
        meta.update({k.encode(): v.encode() for k, v in metadata.items()})
        table = table.replace_schema_metadata(meta)
    return write_atomic(path, lambda tmp: pq.write_table(table, tmp))

"""Writing output files so that a failure never leaves half a file behind."""

import os
import tempfile
from pathlib import Path


class OutputError(Exception):
    """An output file or folder cannot be written; the message names the path."""


def ensure_dir(path):
    """Make the folder `path` (and its parents), or raise OutputError naming it."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OutputError(f"cannot write to {path}: a file is in the way of the folder") from None
    except OSError as e:
        raise OutputError(f"cannot create folder {path}: {e.strerror}") from None
    if not os.access(path, os.W_OK):
        raise OutputError(f"cannot write to {path}: permission denied")
    return path


def write_atomic(path, content):
    """Write str or bytes to path through a temporary file in the same folder, then rename it,
    so readers see the old file or the whole new one, never a part."""
    path = Path(path)
    ensure_dir(path.parent)
    data = content.encode() if isinstance(content, str) else content
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {e.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def save_figure(fig, stem):
    """A matplotlib figure as stem.png and stem.svg, with no dates or random ids inside, so that a
    rerun gives the same bytes. Returns the paths written."""
    import io

    paths = []
    for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=100, metadata=meta)
        paths.append(write_atomic(f"{stem}.{ext}", buf.getvalue()))
    return paths

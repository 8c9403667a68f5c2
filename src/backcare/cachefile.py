"""Writing a file of the user's cache directory: whole or not at all, private to the user.

The knowledge base's pickle, the compiled regexes, the model's weights and the embeddings of
fixed texts are all caches: a reader finds the old file or the new one, never half of one
(written beside it, then renamed over it), the file is 0600 in a 0700 directory, and a cache
that cannot be written only costs time next start (False, and nothing left behind).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO


def cache_dir() -> Path:
    """backcare's directory in the user's cache: platformdirs' answer. On Linux and the BSDs
    that is `$XDG_CACHE_HOME/backcare` (or `~/.cache/backcare`), worked out here because
    importing platformdirs (and the tempfile, shutil and random it brings) took 15 ms of every
    cold start."""
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
        return base / "backcare"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("backcare"))


def write_private(path: Path, write: Callable[[IO[bytes]], object]) -> bool:
    """Call `write` on a temporary file beside `path`, then rename it over `path`."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.chmod(tmp, 0o600)  # in case a file was there before with a wider mode
        os.replace(tmp, path)
        return True
    except OSError:
        tmp.unlink(missing_ok=True)
        return False


def prune_siblings(kept: Path, stale: re.Pattern[str]) -> None:
    """Remove the files beside `kept` whose names `stale` matches: the same cache for older
    contents. One that cannot be removed (another process's, a read-only directory) stays."""
    with contextlib.suppress(OSError):
        for old in kept.parent.iterdir():
            if old != kept and stale.fullmatch(old.name):
                with contextlib.suppress(OSError):
                    old.unlink(missing_ok=True)

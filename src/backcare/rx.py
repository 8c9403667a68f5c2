"""Regular expressions compiled once per machine, not once per process.

The knowledge base holds several hundred patterns; `re.compile` parses each and builds its
matcher code every time a process starts, which was two thirds of a cold `backcare triage`
(0.4 s of 0.6 s without the model). The matcher code is plain integers, so it is kept in a file
of the user's cache directory, keyed by the Python version and the regex engine's magic number,
and handed straight to the engine next time (3 ms for 425 patterns). The file is written with
`marshal` (dicts, lists, ints and strings), which reads 800 patterns' code in 8 ms where JSON
took 40.

Safety: the cache only saves time. Anything unexpected (another Python, a corrupt or edited
file, an engine that refuses the code) falls back to `re.compile`; `BACKCARE_NO_CACHE=1` turns
the file off. The file holds no code to run, only the numbers the engine would compute anyway:
a file that is not a dict is ignored, and the engine checks each code it is given.
"""

from __future__ import annotations

import atexit
import marshal
import os
import re
import sys
from pathlib import Path
from typing import Any

_sre: Any
try:  # CPython's engine; the cache is skipped where it is not there
    import _sre  # type: ignore[import-not-found,no-redef]
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other Pythons
    _sre = None

_MAX_ENTRIES = 4000  # beyond this, only the patterns used by the last process are kept

_codes: dict[str, list[Any]] | None = None  # "flags:pattern" -> [flags, code, groups, index]
_used: set[str] = set()
_dirty = False


def _path() -> Path | None:
    if _sre is None or os.environ.get("BACKCARE_NO_CACHE"):
        return None
    version = f"{sys.implementation.name}{sys.version_info[0]}.{sys.version_info[1]}"
    from backcare.cachefile import cache_dir

    return cache_dir() / f"regex-{version}-{_sre.MAGIC}.marshal"


def _load() -> dict[str, list[Any]]:
    global _codes
    if _codes is None:
        _codes = {}
        path = _path()
        if path is not None and path.is_file():
            try:
                data = marshal.loads(path.read_bytes())
                if isinstance(data, dict):
                    _codes = data
            except (OSError, ValueError, EOFError, TypeError):
                pass  # rebuilt as patterns are compiled
    return _codes


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, from the machine's cache when the pattern was seen before."""
    global _dirty
    if _sre is None:
        return re.compile(pattern, flags)
    codes = _load()
    key = f"{int(flags)}:{pattern}"
    _used.add(key)
    entry = codes.get(key)
    if entry is not None:
        try:
            all_flags, code, groups, index = entry
            indexgroup = [None] * (groups + 1)
            for name, i in index.items():
                indexgroup[i] = name
            compiled: re.Pattern[str] = _sre.compile(
                pattern, all_flags, code, groups, index, tuple(indexgroup)
            )
            return compiled
        except Exception:  # a bad entry is recompiled below
            pass
    compiled = re.compile(pattern, flags)  # raises re.error for a bad pattern, as re does
    try:
        tree = _parser.parse(pattern, flags)
        code = [int(c) for c in _compiler._code(tree, flags)]
        state = tree.state
        codes[key] = [int(flags | state.flags), code, state.groups - 1, dict(state.groupdict)]
        if not _dirty:
            atexit.register(save)
        _dirty = True
    except Exception:  # an engine change only means no cache
        pass
    return compiled


def save() -> None:
    """Write the cache if this process compiled anything new (atomic; failures cost only time)."""
    global _dirty
    path = _path()
    if not _dirty or path is None or _codes is None:
        return
    _dirty = False
    keep = _codes
    if len(keep) > _MAX_ENTRIES:
        keep = {k: v for k, v in _codes.items() if k in _used}
    from backcare.cachefile import write_private

    data = marshal.dumps(keep)
    write_private(path, lambda fh: fh.write(data))

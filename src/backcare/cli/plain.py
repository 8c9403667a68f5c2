"""What every path of the command line shares and that needs no Typer: one-line errors, the
locale rule, and the guard that turns errors into a status. The streaming modes
(cli/streams.py) start from here without loading Typer or its pydantic adapters."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import NoReturn

# The CLI loads no pydantic plugins; looking for them scans every installed package (~15 ms).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def fail(message: str, code: int = 2) -> NoReturn:
    print(f"backcare: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def locale_of(option: str | None, given: str | None = None) -> str | None:
    """The locale by the one rule every front end uses (service.resolve_locale)."""
    from backcare.service import resolve_locale

    return resolve_locale(option, given)


def guarded(run: Callable[[], object]) -> None:
    """Run a command; turn errors into one line and a status, never a traceback."""
    from backcare.errors import BackcareError

    try:
        run()
    except BackcareError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        raise SystemExit(130) from None
    except BrokenPipeError:
        raise SystemExit(0) from None
    except Exception as exc:
        if os.environ.get("BACKCARE_DEBUG"):
            raise
        fail(f"internal error: {type(exc).__name__}: {exc} (set BACKCARE_DEBUG=1 for details)", 1)

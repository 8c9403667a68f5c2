from __future__ import annotations

import os
from pathlib import Path

import pytest

from backcare.knowledge.load import Knowledge, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
SHARED_CASES = ROOT.parent / "shared" / "cases"

os.environ.setdefault("BACKCARE_LOCALE", "")
# The ASGI test client sends "Host: testserver"; the per-install secret goes to a temporary
# data directory, never the developer's own.
os.environ.setdefault("BACKCARE_ALLOWED_HOSTS", "testserver")
if "BACKCARE_DATA_DIR" not in os.environ:
    import tempfile

    os.environ["BACKCARE_DATA_DIR"] = tempfile.mkdtemp(prefix="backcare-data-")


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    return load_knowledge()


# ---- databases: every storage test runs on SQLite and on a real PostgreSQL server ----------

import subprocess  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """URL of the admin database of a PostgreSQL server (started by scripts/test-postgres)."""
    url = os.environ.get("BACKCARE_TEST_POSTGRES_URL")
    if url:
        return url
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "test-postgres")], capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.fail(f"could not start PostgreSQL for the tests: {result.stderr[-2000:]}")
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'backcare.db'}"
        return
    import sqlalchemy as sa

    admin_url = request.getfixturevalue("postgres_server")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    from backcare.store.db import _sessions

    _sessions.cache_clear()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()

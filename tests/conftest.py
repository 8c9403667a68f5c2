from __future__ import annotations

import os
from pathlib import Path

import pytest

from backcare.knowledge.load import Knowledge, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
SHARED_CASES = ROOT.parent / "shared" / "cases"

os.environ.setdefault("BACKCARE_LOCALE", "")


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    return load_knowledge()

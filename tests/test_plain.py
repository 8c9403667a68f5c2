"""The knowledge base read at run time: plain mirrors of the validated models, the same content,
and a start from the disk cache that needs no pydantic."""

from __future__ import annotations

import inspect
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from backcare.cachefile import cache_dir
from backcare.knowledge import plain
from backcare.knowledge import schema as s
from backcare.knowledge.load import load_knowledge, parse, read_texts

MODELS = [
    c for _, c in inspect.getmembers(s, inspect.isclass)
    if issubclass(c, BaseModel) and c.__module__ == s.__name__ and c not in (s.Model, s.Cited)
]  # fmt: skip


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_has_a_mirror_with_its_methods(model: type[BaseModel]) -> None:
    mirror = plain.CLASSES[model.__name__]
    assert mirror.__module__ == plain.__name__ and getattr(plain, model.__name__) is mirror
    own = {
        name for klass in model.__mro__ if klass.__module__ == s.__name__
        for name, value in vars(klass).items()
        if inspect.isfunction(value) and not name.startswith("_")
    }  # fmt: skip
    assert own <= set(dir(mirror))


def _same(model: object, mirror: object) -> bool:
    if isinstance(model, BaseModel):
        return type(mirror).__name__ == type(model).__name__ and all(
            _same(getattr(model, name), getattr(mirror, name)) for name in type(model).model_fields
        )
    if isinstance(model, tuple):
        return (
            isinstance(mirror, tuple)
            and len(model) == len(mirror)
            and all(_same(a, b) for a, b in zip(model, mirror, strict=True))
        )
    if isinstance(model, dict):
        return (
            isinstance(mirror, dict)
            and model.keys() == mirror.keys()
            and all(_same(v, mirror[k]) for k, v in model.items())
        )
    return type(model) is type(mirror) and model == mirror


def test_the_mirror_holds_the_same_content() -> None:
    base = parse(read_texts())
    kb = load_knowledge()
    assert isinstance(kb.base, plain.KnowledgeBase)
    assert _same(base, kb.base)
    assert not _same(base.findings[0], kb.base.findings[1])
    rule = next(r for r in kb.base.rules if len(r.when) > 1 or r.when[0].any)
    original = next(r for r in base.rules if r.id == rule.id)
    assert [c.finding_ids() for c in rule.when] == [c.finding_ids() for c in original.when]


def test_mirrors_are_read_only_and_compare_by_value() -> None:
    kb = load_knowledge()
    finding = kb.base.findings[0]
    with pytest.raises(AttributeError):
        finding.label = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del finding.label
    again = pickle.loads(pickle.dumps(finding))
    assert again == finding and hash(again) == hash(finding) and again is not finding
    assert again != kb.base.findings[1]
    condition = kb.base.rules[0].when[0]
    assert {condition: 1}[pickle.loads(pickle.dumps(condition))] == 1


def test_a_start_from_the_disk_cache_imports_no_pydantic(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("BACKCARE_NO_CACHE", None)
    code = (
        "import sys\n"
        "from backcare.knowledge.load import load_knowledge\n"
        "from backcare.text.triage import triage_text\n"
        "kb = load_knowledge()\n"
        "r = triage_text('my back went after lifting, cannot feel the toilet paper', kb)\n"
        "print(r.disposition.level.value, 'pydantic' in sys.modules)\n"
    )
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert first.stdout.split()[1] == "True"  # no cache yet: the YAML is validated
    assert list((tmp_path / "backcare").glob("kb-*.pickle"))
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    assert second.stdout.split() == [first.stdout.split()[0], "False"]
    assert first.stdout.split()[0] == "emergency"


def test_the_cache_directory_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("XDG applies on Linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "backcare"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")  # not absolute: ignored, as the spec says
    assert cache_dir() == Path.home() / ".cache" / "backcare"
    monkeypatch.delenv("XDG_CACHE_HOME")
    from platformdirs import user_cache_dir

    assert cache_dir() == Path(user_cache_dir("backcare"))


def test_a_changed_copy_leaves_the_original_alone() -> None:
    kb = load_knowledge()
    fewer = kb.base.model_copy(update={"cautions": kb.base.cautions[:1]})
    assert len(fewer.cautions) == 1 and len(kb.base.cautions) > 1
    assert fewer.findings is kb.base.findings and type(fewer) is type(kb.base)
    with pytest.raises(AttributeError):
        kb.base.model_copy(update={"no_such_field": 1})

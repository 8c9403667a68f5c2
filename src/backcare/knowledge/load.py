"""Load, validate and index the knowledge base.

The YAML files are parsed and validated once per process (and cached on disk by content
hash, so the CLI starts fast). `load_knowledge()` returns an indexed, immutable view.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from backcare import findings as findings_module
from backcare.knowledge import plain

if TYPE_CHECKING:  # at run time the content is `plain` mirrors; pydantic is for validating
    from backcare.knowledge import schema as s

KNOWLEDGE_DIR = Path(__file__).resolve().parent
FILES = (
    "sources",
    "vocabulary",
    "findings",
    "rules",
    "treatments",
    "cautions",
    "recovery",
    "plan",
    "education",
    "medicines",
    "progress",
    "screens",
    "grammar",
)
_CACHE_FORMAT = 4
T = TypeVar("T")


class KnowledgeError(ValueError):
    """The knowledge base is malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class Knowledge:
    """The validated knowledge base with lookups by id."""

    base: s.KnowledgeBase
    digest: str
    sources: dict[str, s.Source] = field(default_factory=dict)
    findings: dict[str, s.Finding] = field(default_factory=dict)
    rules: dict[str, s.Rule] = field(default_factory=dict)
    treatments: dict[str, s.Treatment] = field(default_factory=dict)
    levels: dict[str, s.LevelAdvice] = field(default_factory=dict)
    locales: dict[str, s.Locale] = field(default_factory=dict)
    education: dict[str, s.EducationItem] = field(default_factory=dict)
    messages: dict[str, s.Message] = field(default_factory=dict)
    rules_by_finding: dict[str, tuple[s.Rule, ...]] = field(default_factory=dict)
    # Values derived from the content (indexes, compiled patterns), built on first use, keyed
    # by the function that builds them and its arguments.
    memo: dict[tuple[Callable[..., Any], tuple[Hashable, ...]], Any] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def build(cls, validated: s.KnowledgeBase | plain.KnowledgeBase, digest: str) -> Knowledge:
        # validated models become plain read-only mirrors (the same for a fresh parse and the
        # disk cache, so every process reads the content through the same objects); they have
        # the models' attributes, so they are typed as the models
        base = cast(
            "s.KnowledgeBase",
            validated if isinstance(validated, plain.KnowledgeBase) else plain.mirror(validated),
        )
        return cls(
            base=base,
            digest=digest,
            sources={x.id: x for x in base.sources},
            findings={x.id: x for x in base.findings},
            rules={x.id: x for x in base.rules},
            treatments={x.id: x for x in base.treatments},
            levels={x.level.value: x for x in base.levels},
            locales={x.code.lower(): x for x in base.locales},
            education={x.id: x for x in base.education},
            messages={x.id: x for x in base.messages},
            rules_by_finding=_index_rules(base.rules),
        )

    def derived(self, build: Callable[..., T], *args: Hashable) -> T:
        """`build(self, *args)`, computed once for this knowledge base (an index, compiled
        patterns). The cache is keyed by the builder itself, so a value always has the type its
        builder returns: no string key can hand one caller another caller's object."""
        key = (build, args)
        if key not in self.memo:
            self.memo[key] = build(self, *args)
        return cast(T, self.memo[key])

    def emergency_number(self, locale: str | None) -> str:
        """The emergency number for a locale such as en-GB, GB, EU or de-DE (911 by default)."""
        if not locale:
            return "911"
        key = locale.strip().replace("_", "-").lower()
        if key in self.locales:
            return self.locales[key].emergency_number
        region = key.rsplit("-", 1)[-1]
        for code, loc in self.locales.items():
            if code.rsplit("-", 1)[-1] == region:
                return loc.emergency_number
        return "112" if region in _EU_REGIONS else "911"


def _index_rules(rules: tuple[s.Rule, ...]) -> dict[str, tuple[s.Rule, ...]]:
    """Finding id -> the rules that mention it, in file order."""
    index: dict[str, list[s.Rule]] = {}
    for rule in rules:
        for cond in rule.when:
            for fid in cond.finding_ids():
                bucket = index.setdefault(fid, [])
                if rule not in bucket:
                    bucket.append(rule)
    return {k: tuple(v) for k, v in index.items()}


_EU_REGIONS = {
    "at",
    "be",
    "bg",
    "hr",
    "cy",
    "cz",
    "dk",
    "ee",
    "fi",
    "fr",
    "de",
    "gr",
    "hu",
    "ie",
    "it",
    "lv",
    "lt",
    "lu",
    "mt",
    "nl",
    "pl",
    "pt",
    "ro",
    "sk",
    "si",
    "es",
    "se",
    "eu",
}


def _read_yaml(text: str, name: str) -> dict[str, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{name}.yaml: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise KnowledgeError(f"{name}.yaml: expected a mapping at the top level")
    return data


def _expand(pattern: str, macros: dict[str, str]) -> str:
    """Replace {NAME} with its macro, repeatedly (macros may use macros)."""
    for _ in range(5):
        new = re.sub(r"\{([A-Z][A-Z0-9]*)\}", lambda m: macros.get(m.group(1), m.group(0)), pattern)
        if new == pattern:
            break
        pattern = new
    unknown = re.search(r"\{([A-Z][A-Z0-9]*)\}", pattern)
    if unknown:  # left as it is, it would match only the literal "{NAME}", i.e. nothing
        raise KnowledgeError(f"unknown macro {{{unknown.group(1)}}} in pattern {pattern!r}")
    return pattern


def _grammar(raw: dict[str, Any], macros: dict[str, str]) -> dict[str, Any]:
    """The grammar file with {MACROS} expanded in its part and sense patterns."""
    out = {k: v for k, v in raw.items() if k != "reviewed"}
    for key in ("parts", "senses"):
        table = out.get(key) or {}
        out[key] = {
            name: [_expand(str(p), macros) for p in (patterns or [])]
            for name, patterns in table.items()
        }
    return out


def parse(texts: dict[str, str], check_references: bool = True) -> s.KnowledgeBase:
    """Validate the YAML texts (file stem -> text) into a KnowledgeBase."""
    from pydantic import ValidationError

    from backcare.knowledge import schema as s

    raw = {name: _read_yaml(texts[name], name) for name in FILES}
    macros = {k: str(v) for k, v in (raw["vocabulary"].get("macros") or {}).items()}
    findings = []
    for item in raw["findings"].get("findings") or []:
        if isinstance(item, dict):
            for key in ("patterns", "value_patterns", "mentions", "ruled_out_by"):
                if key in item and isinstance(item[key], list):
                    item[key] = [_expand(str(p), macros) for p in item[key]]
        findings.append(item)
    cues = raw["vocabulary"].get("cues") or []
    for cue in cues:
        if isinstance(cue, dict) and isinstance(cue.get("patterns"), list):
            cue["patterns"] = [_expand(str(p), macros) for p in cue["patterns"]]
    data = {
        "reviewed": {name: raw[name].get("reviewed") for name in FILES},
        "sources": raw["sources"].get("sources"),
        "findings": findings,
        "rules": raw["rules"].get("rules"),
        "levels": raw["rules"].get("levels"),
        "locales": raw["rules"].get("locales"),
        "treatments": raw["treatments"].get("treatments"),
        "cautions": raw["cautions"].get("cautions"),
        "courses": raw["recovery"].get("courses"),
        "factors": raw["recovery"].get("factors"),
        "plan_items": raw["plan"].get("plan_items"),
        "clinician_questions": raw["plan"].get("clinician_questions"),
        "education": raw["education"].get("education"),
        "cues": cues,
        "medicines": raw["medicines"].get("medicines"),
        "messages": raw["progress"].get("messages"),
        "spelling": raw["vocabulary"].get("spelling") or {},
        "synonyms": raw["vocabulary"].get("synonyms") or [],
        "domain": raw["vocabulary"].get("domain") or [],
        "screens": raw["screens"].get("screens") or [],
        "grammar": _grammar(raw["grammar"], macros),
    }
    try:
        base = s.KnowledgeBase.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise KnowledgeError(
            f"knowledge base invalid at {where}: {first['msg']} ({exc.error_count()} error(s))"
        ) from exc
    broken = reference_errors(base) if check_references else []
    if broken:
        raise KnowledgeError("knowledge base has broken references: " + "; ".join(broken[:5]))
    return base


def reference_errors(base: s.KnowledgeBase) -> list[str]:
    """Every id that points nowhere, and every duplicate id."""
    errors: list[str] = []
    source_ids = {x.id for x in base.sources}
    finding_ids = {x.id for x in base.findings}
    treatment_ids = {x.id for x in base.treatments}
    for kind, items in cited_items(base):
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                errors.append(f"{kind} {item.id}: duplicate id")
            seen.add(item.id)
            for ref in item.sources:
                if ref.id not in source_ids:
                    errors.append(f"{kind} {item.id}: unknown source {ref.id!r}")
    for f in base.findings:
        for other in (*f.ask_if, *(i.finding for i in f.implies)):
            if other not in finding_ids:
                errors.append(f"finding {f.id}: unknown finding {other!r}")
    conditioned: list[tuple[str, str, tuple[s.Condition, ...]]] = [
        *(("rule", r.id, r.when) for r in base.rules),
        *(("caution", c.id, c.when) for c in base.cautions),
        *(("factor", x.id, x.when) for x in base.factors),
        *(("clinician question", q.id, q.when) for q in base.clinician_questions),
    ]
    for kind, item_id, conditions in conditioned:
        for cond in conditions:
            for fid in cond.finding_ids():
                if fid not in finding_ids:
                    errors.append(f"{kind} {item_id}: unknown finding {fid!r}")
    for c in base.cautions:
        for t in c.treatments:
            if t not in treatment_ids:
                errors.append(f"caution {c.id}: unknown treatment {t!r}")
    listed: list[tuple[str, tuple[str, ...]]] = [
        *((f"screen {sc.id}", sc.findings) for sc in base.screens),
        *(("grammar", c.findings) for c in (base.grammar.combos if base.grammar else ())),
    ]
    for where, ids in listed:
        errors.extend(f"{where}: unknown finding {fid!r}" for fid in ids if fid not in finding_ids)
    medicine_ids = {m.id for m in base.medicines}
    for m in base.medicines:
        for other in m.not_with:
            if other not in medicine_ids:
                errors.append(f"medicine class {m.id}: unknown medicine class {other!r}")
    for course in base.courses:
        if course.finding and course.finding not in finding_ids:
            errors.append(f"course {course.id}: unknown finding {course.finding!r}")
        if course.min_days > course.max_days:
            errors.append(f"course {course.id}: min_days above max_days")
    return errors


def cited_items(base: s.KnowledgeBase) -> list[tuple[str, tuple[s.Cited, ...]]]:
    """Every kind of content item, for the checks that walk them all."""
    return [
        ("finding", base.findings),
        ("rule", base.rules),
        ("level", base.levels),
        ("treatment", base.treatments),
        ("caution", base.cautions),
        ("course", base.courses),
        ("factor", base.factors),
        ("plan item", base.plan_items),
        ("clinician question", base.clinician_questions),
        ("education", base.education),
        ("medicine class", base.medicines),
        ("message", base.messages),
        ("screen", base.screens),
    ]


def read_texts(directory: Path = KNOWLEDGE_DIR) -> dict[str, str]:
    texts = {}
    for name in FILES:
        path = directory / f"{name}.yaml"
        try:
            texts[name] = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise KnowledgeError(f"cannot read {path}: {exc.strerror}") from exc
    return texts


def _digest(texts: dict[str, str]) -> str:
    """The cache key: the content, and the source of the code that turns it into the pickled
    objects (the parsing here, the schema, the mirrors and the enums they hold), so a change to
    any of them can never be served stale objects (no hand-bumped number to forget). Hashing the
    source, not the package version, also covers a working copy, and skips importing
    importlib.metadata (20-30 ms of every start)."""
    h = hashlib.sha256(f"format{_CACHE_FORMAT}".encode())
    for code in (Path(__file__), KNOWLEDGE_DIR / "schema.py", Path(plain.__file__),
                 Path(findings_module.__file__)):  # fmt: skip
        h.update(code.read_bytes())
    for name in FILES:
        h.update(name.encode())
        h.update(texts[name].encode())
    return h.hexdigest()


def _cache_path(digest: str) -> Path | None:
    if os.environ.get("BACKCARE_NO_CACHE"):
        return None
    from backcare.cachefile import cache_dir

    return cache_dir() / f"kb-{digest[:24]}.pickle"


def load_from(directory: Path) -> Knowledge:
    """Load and validate the knowledge base in `directory`, without the disk cache."""
    texts = read_texts(directory)
    return Knowledge.build(parse(texts), _digest(texts))


@cache
def load_knowledge() -> Knowledge:
    """The packaged knowledge base, validated; cached in memory and on disk by content hash."""
    texts = read_texts()
    digest = _digest(texts)
    path = _cache_path(digest)
    if path is not None and path.is_file():
        try:
            with path.open("rb") as fh:
                base = pickle.load(fh)  # our own cache file, keyed by content hash
            if isinstance(base, plain.KnowledgeBase):
                return Knowledge.build(base, digest)
        except Exception:  # a stale or corrupt cache is simply rebuilt
            pass
    base = plain.mirror(parse(texts))
    if path is not None:  # a read-only cache directory only costs start-up time
        from backcare.cachefile import prune_siblings, write_private

        if write_private(path, lambda fh: pickle.dump(base, fh, protocol=pickle.HIGHEST_PROTOCOL)):
            # only the current contents are ever read: the pickles of earlier ones go
            prune_siblings(path, re.compile(r"kb-[0-9a-f]{24}\.pickle"))
    return Knowledge.build(base, digest)

"""Configuration: read once, at the edge, into frozen objects that are passed down.

The file is TOML (``tifa.toml`` at the project root). Every key has a default here, so a missing
file or a missing key is never an error; an unknown key is, because a typo would otherwise be
silently ignored.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from .problems import all_errors

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib


class ConfigError(ValueError):
    """A configuration file or value that cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class Paths:
    corpus: Path = Path("seeds")
    data: Path = Path("data")
    figures: Path = Path("figures")
    overrides: str = "metadata.csv"


#: Confidence levels of metadata values, weakest first.
CONFIDENCE = ("low", "medium", "high")

#: Fields a tabular corpus's columns can fill (``[corpus] columns = {text = "content"}``), each with
#: the column names recognised without a mapping, in order of preference.
TABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body", "full_text", "fulltext", "article", "正文", "内容", "文本", "全文"),
    "title": ("title", "headline", "标题", "题目"),
    "pub_date": ("pub_date", "date", "publish_date", "published", "published_date", "broadcast_date", "pubdate",
                 "日期", "发布日期", "发布时间", "pub_time", "publish_time", "time", "时间"),
    "meeting_date": ("meeting_date", "会议日期"),
    "region": ("region", "place", "地区", "地域"),
    "outlet": ("outlet", "source", "media", "来源", "媒体"),
    "lang": ("lang", "language", "语言"),
}


@dataclass(frozen=True)
class CorpusParams:
    traditional_share: float = 0.05
    cjk_share: float = 0.3
    latin_share: float = 0.7
    max_file_mb: float = 200.0
    workers: int = 0
    columns: dict = field(default_factory=dict)
    inference: str = "clues"
    min_confidence: str = "low"
    near_duplicates: float = 0.5
    max_doc_chars: int = 500_000
    long_docs: str = "cap"


#: how a setting that names files other than by one path is keyed: "module:function" of its content digest
_STOPWORDS = {"content": "analysis.text.lexicon:stopword_digest"}


@dataclass(frozen=True)
class TokenParams:
    backend: str = "rjieba"
    hmm: bool = True
    lexicon: Path = Path("lexicon/lexicon.csv")
    # lists of stop-word files and stopwords-iso names: their content key is the words they give
    stopwords_zh: tuple[str, ...] = field(default=("iso:zh", "lexicon/stopwords_gov_zh.txt"), metadata=_STOPWORDS)
    stopwords_en: tuple[str, ...] = field(default=("iso:en", "lexicon/stopwords_gov_en.txt"), metadata=_STOPWORDS)
    min_chars_zh: int = 2
    min_chars_en: int = 2
    canonical: bool = True
    workers: int = 0
    phrases_min_count: int = 5
    phrases_threshold: float = 0.5
    phrases_sample: int = 5_000_000  # characters of documents collocations are learned from (all in a smaller corpus)


@dataclass(frozen=True)
class SloganParams:
    rule: str = "all"
    include_title: bool = True
    bootstrap: int = 2000
    bootstrap_max_docs: int = 500
    min_docs: int = 2
    min_count: int = 5
    top: int = 20
    contrast: str = "auto"
    context_chars: int = 30
    candidate_min_docs: int = 2
    pooled: bool = True


@dataclass(frozen=True)
class KeywordParams:
    period: str = "quarter"
    column: str = "tokens"
    min_count: int = 5
    min_log_ratio: float = 1.0
    min_docs: int = 2
    min_term_docs: int = 3
    top: int = 15
    keyness_panels: str = "latest"
    keyness_groups: tuple[str, ...] = ()
    max_doc_share: float = 0.1
    floor: int = 10
    trend_min_docs: int = 5
    trend_min_periods: int = 1
    bootstrap: int = 200
    bootstrap_max_docs: int = 20_000
    window: int = 5
    terms: tuple[str, ...] = ("高质量发展", "营商环境", "扩大内需", "新质生产力", "稳经济")


@dataclass(frozen=True)
class TopicParams:
    engine: str = "tomotopy"
    unit: str = "auto"
    column: str = "phrased"
    k_grid: tuple[int, ...] = (4, 6, 8, 10, 12, 15, 20, 25)
    seeds: tuple[int, ...] = (1, 2, 3)
    k: int = 0
    min_stability: float = 0.3
    passes: int = 5
    iterations: int = 50
    gibbs_iterations: int = 200
    nmf_prior: float = 0.01
    grid_iterations: int = 200
    grid_max_units: int = 5000
    max_train_units: int = 20000
    no_below: int = 2
    no_above: float = 0.5
    keep_n: int = 20000
    max_doc_share: float = 0.1
    min_units: int = 20
    heldout: float = 0.1
    top_words: int = 10
    relevance_lambda: float = 0.6
    draws: int = 100
    workers: int = 0
    labels: Path = Path("topic_labels.csv")
    covariates: tuple[str, ...] = ("quarter", "province")
    seed_topics: str = "lexicon"
    seed_file: Path = Path("seed_words.csv")


@dataclass(frozen=True)
class CalibrateParams:
    permutations: int = 5
    replicates: int = 200


@dataclass(frozen=True)
class FigureParams:
    dpi: int = 300
    formats: tuple[str, ...] = ("pdf", "png")


@dataclass(frozen=True)
class RandomParams:
    seed: int = 20220723


@dataclass(frozen=True)
class DesignParams:
    # groupings of the researcher's own, derived from a variable's values: name → {"from": variable,
    # label: [values] …} (tifa.toml: [design.groups.NAME]); macro_region and coastal are built in
    groups: dict = field(default_factory=dict, metadata={"tables": True})
    # groupings compared besides province, prefecture and quarter (slogan rates and contrasts,
    # keyness, frequencies and TF-IDF): any document variable or grouping, as "macro_region"
    groupings: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdoptionParams:
    by: str = "province"             # the units that adopt: province, prefecture, county or any grouping
    period: str = "quarter"          # the model's and the coverage strip's periods: "quarter" or "year"
    slogans: tuple[str, ...] = ()    # the slogans followed; empty: every slogan some unit uses
    reference: str = ""              # the centre's clock: a folder or table of central texts ("" = none)
    reference_columns: dict = field(default_factory=dict)   # its columns, as corpus.columns
    min_docs: int = 3                # a unit with fewer documents is thinly covered (flagged)
    covariates: tuple[str, ...] = ()  # unit variables in the adoption model (numbers; first value per unit)
    neighbours: bool = True          # the share of neighbouring provinces that used the slogan earlier
    top: int = 12                    # slogans in the figures (most adopters first)


@dataclass(frozen=True)
class TargetsParams:
    by: str = "province"             # the units compared in the figures: province, prefecture or any grouping
    top: int = 6                     # indicators in the figure (those most reports set a target for)


@dataclass(frozen=True)
class ReuseParams:
    reference: str = ""              # the central texts: a folder or table ("" = no reuse stage outputs)
    reference_columns: dict = field(default_factory=dict)   # its columns, as corpus.columns
    by: str = "province"             # the units compared in the figures and the map
    period: str = "year"             # the periods of the table per unit: "year", "quarter" or "all"
    years_before: int = -1           # align a document with the references of its year and this many before (-1: all)
    min_chars: int = 16              # a shared passage shorter than this is not reuse (set phrases)
    min_similarity: float = 0.8      # an aligned passage at least this similar (1 = verbatim)
    top: int = 20                    # central passages in the figure of the most repeated


@dataclass(frozen=True)
class RunParams:
    engine: str = "local"
    scheduler: str = ""
    workers: int = 0
    memory_gb: float = 4.0           # the memory the statistics stages plan their partitions for (pipeline/budget.py)
    worker_memory_gb: float = 0.0    # engine "dask", local cluster: each worker's memory limit (0: Dask's default)


@dataclass(frozen=True)
class Config:
    paths: Paths = field(default_factory=Paths)
    corpus: CorpusParams = field(default_factory=CorpusParams)
    tokens: TokenParams = field(default_factory=TokenParams)
    slogans: SloganParams = field(default_factory=SloganParams)
    keywords: KeywordParams = field(default_factory=KeywordParams)
    topics: TopicParams = field(default_factory=TopicParams)
    calibrate: CalibrateParams = field(default_factory=CalibrateParams)
    figures: FigureParams = field(default_factory=FigureParams)
    random: RandomParams = field(default_factory=RandomParams)
    design: DesignParams = field(default_factory=DesignParams)
    adoption: AdoptionParams = field(default_factory=AdoptionParams)
    targets: TargetsParams = field(default_factory=TargetsParams)
    reuse: ReuseParams = field(default_factory=ReuseParams)
    run: RunParams = field(default_factory=RunParams)
    source: Path | None = None  # the file it was read from, if any

    def section_hash(self, name: str) -> str:
        """A short content hash of one section, used to key cached stages."""
        payload = json.dumps(_plain(getattr(self, name)), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def replace(self, **sections: Mapping[str, Any]) -> "Config":
        """A copy with some settings replaced, checked as in tifa.toml:
        ``cfg.replace(topics={"k": 8}, slogans={"rule": "longest"})``."""
        changed, errors = {}, []
        for name, values in sections.items():
            if name not in _SECTIONS or name == "paths":
                raise ConfigError(f"unknown section '{name}' (known: {', '.join(s for s in _SECTIONS if s != 'paths')})")
            section = getattr(self, name)
            known = {f.name: f for f in fields(section)}
            given = {}
            for key, value in values.items():
                if key not in known:
                    errors.append(f"[{name}] unknown key '{key}' (known: {', '.join(sorted(known))})")
                    continue
                try:
                    value = typed(known[key], getattr(section, key), key, value)
                except (TypeError, ValueError) as exc:
                    errors.append(f"[{name}] {key}: expected {exc}, got {value!r}")
                    continue
                problem = check_value(type(section), key, value)
                if problem:
                    errors.append(f"[{name}] {key} = {value!r}: {problem}")
                given[key] = value
            changed[name] = dataclasses.replace(section, **given)
        if errors:
            raise ConfigError(all_errors("settings", errors))
        return dataclasses.replace(self, **changed)

    def with_paths(self, **changes: Any) -> "Config":
        """A copy with some paths replaced (``None`` values are ignored)."""
        given = {k: Path(v) for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, paths=dataclasses.replace(self.paths, **given))


_SECTIONS = {"paths": Paths, "corpus": CorpusParams, "tokens": TokenParams, "slogans": SloganParams,
             "keywords": KeywordParams, "topics": TopicParams, "calibrate": CalibrateParams,
             "figures": FigureParams, "random": RandomParams,
             "design": DesignParams, "adoption": AdoptionParams, "targets": TargetsParams,
             "reuse": ReuseParams, "run": RunParams}


#: sections that change how a run goes, never what it makes (the engine and its workers)
RUNTIME_SECTIONS = ("run", "source")


def _plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        return {f.name: _plain(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, Path):
        return obj.as_posix()
    if isinstance(obj, tuple):
        return [_plain(x) for x in obj]
    return obj


def typed(field, default, key: str, value, base: Path | None = None):
    """``value`` as the setting ``key`` (with ``default``) takes it, or TypeError/ValueError whose
    text says what is expected. The types are strict: "false" (a string) is not a boolean, "abc" is
    not a list of three strings, "8" is not a number; a list's items have the type of the
    default's (numbers for k_grid, names for terms). Paths are relative to ``base``."""
    if isinstance(default, Path):
        if not isinstance(value, (str, Path)):
            raise TypeError("a path (a string)")
        value = Path(value)
        return value if value.is_absolute() or base is None else base / value
    if isinstance(default, bool):
        if not isinstance(value, bool):
            hint = " (write true or false without quotes)" if str(value).lower() in ("true", "false", "yes", "no") else ""
            raise TypeError(f"true or false{hint}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
            raise TypeError("a whole number")
        return int(value)
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError("a number")
        return float(value)
    if isinstance(default, tuple):
        item = int if default and isinstance(default[0], int) else str
        noun = "numbers" if item is int else "strings"
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            example = "[8, 12]" if item is int else '["a", "b"]'
            raise TypeError(f"a list of {noun} (like {example})")
        if not all(isinstance(v, item) and not isinstance(v, bool) for v in value):
            raise TypeError(f"a list of {noun}")
        value = tuple(value)
        if key.startswith("stopwords") and base is not None:
            value = tuple(v if str(v).startswith("iso:") or Path(v).is_absolute() else str(base / v) for v in value)
        return value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise TypeError("a string (in quotes)")
        return value
    if isinstance(default, dict):
        tables = field.metadata.get("tables")
        if not isinstance(value, dict) or not all(isinstance(v, dict if tables else str) for v in value.values()):
            raise TypeError("a table per grouping (like [design.groups.treated])" if tables
                            else "a table of names (like {text = \"content\"})")
        return {str(k): v for k, v in value.items()}
    return value


def _build(cls: type, raw: Mapping[str, Any], where: str, base: Path, errors: list[str]) -> Any:
    """The section's object from the file's table; each bad key is added to ``errors`` (and left at
    its default), so that a file's mistakes are all reported at once."""
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            errors.append(f"{where} unknown key '{key}' (known: {', '.join(sorted(known))})")
            continue
        default = getattr(cls(), key)
        try:
            value = typed(known[key], default, key, value, base)
        except (TypeError, ValueError) as exc:
            errors.append(f"{where} {key}: expected {exc}, got {value!r}")
            continue
        problem = check_value(cls, key, value)
        if problem:
            shown = list(value) if isinstance(value, tuple) else value
            errors.append(f"{where} {key} = {shown!r}: {problem}")
            continue
        kwargs[key] = value
    for f in fields(cls):  # defaults that are files are relative to the configuration file too
        if f.name in kwargs:
            continue
        default = getattr(cls(), f.name)
        if isinstance(default, Path) and not default.is_absolute():
            kwargs[f.name] = base / default
        elif f.name.startswith("stopwords"):
            kwargs[f.name] = tuple(v if v.startswith("iso:") else str(base / v) for v in default)
    return cls(**kwargs)


def load_config(path: str | Path | None = None) -> Config:
    """Read a TOML configuration file; ``None`` looks for ``tifa.toml`` in the working directory.

    Relative paths in the file are taken relative to the file's folder.
    """
    if path is None:
        candidate = Path("tifa.toml")
        if not candidate.exists():
            return Config()
        path = candidate
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: configuration file not found")
    if path.is_dir():
        raise ConfigError(f"{path}: a folder, not a configuration file: give the file ({path / 'tifa.toml'})")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))   # a BOM (as some editors save) is no mistake
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    base = path.resolve().parent
    sections: dict[str, Any] = {}
    errors: list[str] = []
    for name, value in raw.items():
        if name not in _SECTIONS:
            errors.append(f"unknown section [{name}] (known: {', '.join(_SECTIONS)})")
        elif not isinstance(value, dict):
            errors.append(f"[{name}] must be a table")
        else:
            sections[name] = _build(_SECTIONS[name], value, f"[{name}]", base, errors)
    for name, cls in _SECTIONS.items():
        if name not in sections:
            sections[name] = _build(cls, {}, f"[{name}]", base, errors)
    unknown = sorted(set(sections["corpus"].columns) - set(TABLE_FIELDS) - {"date", "source"})
    if unknown:
        errors.append(f"[corpus] columns: unknown field(s) {', '.join(unknown)} (known: {', '.join(TABLE_FIELDS)})")
    if errors:
        raise ConfigError(all_errors(str(path), errors))
    return Config(**sections, source=path)


# ---- allowed values -----------------------------------------------------------------------------
def _at_least(low):
    return lambda v: None if v >= low else f"must be at least {low}"


def _between(low, high):
    return lambda v: None if low <= v <= high else f"must be between {low} and {high}"


def _one_of(*choices):
    return lambda v: None if v in choices else f"must be one of {', '.join(map(str, choices))}"


def _groupings(groups: dict) -> str | None:
    """A grouping names the variable it is made from and lists each label's values."""
    for name, spec in groups.items():
        if not isinstance(spec.get("from"), str) or not spec["from"]:
            return f"[design.groups.{name}] needs from = \"<variable>\" (province, or a column of yours)"
        labels = {k: v for k, v in spec.items() if k != "from"}
        if not labels:
            return f"[design.groups.{name}] lists no label (like 西部 = [\"四川省\", \"重庆市\"])"
        bad = [k for k, v in labels.items() if not isinstance(v, list) or not all(isinstance(x, str) for x in v)]
        if bad:
            return f"[design.groups.{name}] {', '.join(bad)}: a list of values (like [\"四川省\", \"重庆市\"])"
    return None


def _each(check, nonempty=True):
    def run(values):
        if nonempty and not values:
            return "must not be empty"
        bad = [f"{v!r}: {p}" for v in values if (p := check(v))]
        return "; ".join(bad) or None
    return run


#: (section class, key) → a check returning what is wrong, or None. Keys without a check take any
#: value of their type.
CHECKS: dict[tuple[type, str], Any] = {
    (CorpusParams, "traditional_share"): _between(0, 1),
    (CorpusParams, "cjk_share"): _between(0, 1),
    (CorpusParams, "latin_share"): _between(0, 1),
    (CorpusParams, "max_file_mb"): lambda v: None if v > 0 else "must be more than 0",
    (CorpusParams, "max_doc_chars"): _at_least(1000),
    (CorpusParams, "long_docs"): _one_of("cap", "keep", "skip"),
    (CorpusParams, "workers"): _at_least(0),
    (CorpusParams, "inference"): _one_of("clues", "strict"),
    (CorpusParams, "min_confidence"): _one_of(*CONFIDENCE),
    (CorpusParams, "near_duplicates"): _between(0, 1),
    (TokenParams, "backend"): _one_of("rjieba", "jieba"),
    (TokenParams, "min_chars_zh"): _at_least(1),
    (TokenParams, "min_chars_en"): _at_least(1),
    (TokenParams, "workers"): _at_least(0),
    (TokenParams, "phrases_min_count"): _at_least(1),
    (TokenParams, "phrases_threshold"): _between(-1, 1),
    (TokenParams, "phrases_sample"): _at_least(10_000),
    (AdoptionParams, "period"): _one_of("quarter", "year"),
    (AdoptionParams, "min_docs"): _at_least(1),
    (AdoptionParams, "top"): _at_least(1),
    (TargetsParams, "top"): _at_least(1),
    (ReuseParams, "min_chars"): _at_least(8),
    (ReuseParams, "period"): _one_of("year", "quarter", "all"),
    (ReuseParams, "years_before"): _at_least(-1),
    (ReuseParams, "min_similarity"): _between(0, 1),
    (ReuseParams, "top"): _at_least(1),
    (RunParams, "engine"): _one_of("local", "dask"),
    (RunParams, "workers"): _at_least(0),
    (RunParams, "memory_gb"): _between(0.5, 1024),
    (RunParams, "worker_memory_gb"): _between(0, 1024),
    (SloganParams, "rule"): _one_of("all", "longest", "presence"),
    (SloganParams, "bootstrap"): lambda v: None if v == 0 or v >= 100 else
        "must be 0 (no bootstrap) or at least 100 resamples (2000 is the default)",
    (SloganParams, "bootstrap_max_docs"): _at_least(2),
    (SloganParams, "min_docs"): _at_least(1),
    (SloganParams, "min_count"): _at_least(1),
    (SloganParams, "top"): _at_least(1),
    (SloganParams, "context_chars"): _at_least(0),
    (SloganParams, "candidate_min_docs"): _at_least(1),
    (KeywordParams, "period"): _one_of("quarter", "month", "year"),
    (KeywordParams, "column"): _one_of("tokens", "phrased"),
    (KeywordParams, "min_count"): _at_least(1),
    (KeywordParams, "min_log_ratio"): _at_least(0),
    (KeywordParams, "min_docs"): _at_least(1),
    (KeywordParams, "min_term_docs"): _at_least(1),
    (KeywordParams, "keyness_panels"): _one_of("latest", "distinctive"),
    (KeywordParams, "max_doc_share"): lambda v: None if 0 < v <= 1 else "must be more than 0 and at most 1",
    (KeywordParams, "top"): _at_least(1),
    (KeywordParams, "floor"): _at_least(0),
    (KeywordParams, "trend_min_docs"): _at_least(1),
    (KeywordParams, "trend_min_periods"): _at_least(1),
    (KeywordParams, "bootstrap_max_docs"): _at_least(2),
    (KeywordParams, "bootstrap"): lambda v: None if v == 0 or v >= 50 else
        "must be 0 (no bootstrap) or at least 50 resamples (200 is the default)",
    (KeywordParams, "window"): _at_least(1),
    (TopicParams, "engine"): _one_of("tomotopy", "gensim"),
    (TopicParams, "gibbs_iterations"): _at_least(10),
    (TopicParams, "nmf_prior"): lambda v: None if 0 <= v <= 1 else "must be from 0 (none) to 1",
    (TopicParams, "grid_iterations"): _at_least(10),
    (TopicParams, "max_train_units"): lambda v: None if v == 0 or v >= 100 else "must be 0 (all units) or at least 100",
    (TopicParams, "grid_max_units"): lambda v: None if v == 0 or v >= 100 else "must be 0 (all units) or at least 100",
    (TopicParams, "max_doc_share"): lambda v: None if 0 < v <= 1 else "must be more than 0 and at most 1",
    (TopicParams, "unit"): _one_of("auto", "paragraph", "document"),
    (TopicParams, "column"): _one_of("tokens", "phrased"),
    (TopicParams, "k_grid"): _each(lambda k: None if isinstance(k, int) and k >= 2 else "K must be a whole number of at least 2"),
    (TopicParams, "seeds"): _each(lambda k: None if isinstance(k, int) and k >= 0 else "a seed is a whole number of at least 0"),
    (TopicParams, "k"): lambda v: None if v == 0 or v >= 2 else "must be 0 (choose K from the grid) or at least 2",
    (TopicParams, "min_stability"): _between(0, 1),
    (TopicParams, "passes"): _at_least(1),
    (TopicParams, "iterations"): _at_least(1),
    (TopicParams, "no_below"): _at_least(1),
    (TopicParams, "no_above"): lambda v: None if 0 < v <= 1 else "must be more than 0 and at most 1",
    (TopicParams, "keep_n"): _at_least(10),
    (TopicParams, "min_units"): _at_least(2),
    (TopicParams, "heldout"): lambda v: None if 0 <= v < 0.5 else "must be at least 0 and under 0.5",
    (TopicParams, "top_words"): _at_least(1),
    (TopicParams, "relevance_lambda"): _between(0, 1),
    (TopicParams, "draws"): _at_least(1),
    (TopicParams, "workers"): _at_least(0),
    (TopicParams, "covariates"): _each(lambda v: None if str(v).isidentifier() else "a document variable's name",
                                       nonempty=False),
    (TopicParams, "seed_topics"): _one_of("none", "lexicon", "file"),
    (CalibrateParams, "permutations"): _at_least(1),
    (CalibrateParams, "replicates"): _at_least(1),
    (DesignParams, "groups"): _groupings,
    (DesignParams, "groupings"): _each(lambda g: None if isinstance(g, str) and g.isidentifier() else
                                       "a variable's name (letters, digits, _)", nonempty=False),
    (FigureParams, "dpi"): _between(50, 1200),
    (FigureParams, "formats"): _each(_one_of("pdf", "png", "svg")),
    (RandomParams, "seed"): _between(0, 2**32 - 1),   # numpy's and the topic engines' seeds are 32-bit
}


def check_value(cls: type, key: str, value: Any) -> str | None:
    """What is wrong with ``value`` for ``key`` of a section, or None."""
    check = CHECKS.get((cls, key))
    return check(value) if check else None

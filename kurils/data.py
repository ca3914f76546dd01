"""Load the course's data sets, checked against their schemas.

Each data set is ``data/NAME.csv`` with a Table Schema descriptor beside it
(``data/NAME.schema.json``). ``load`` validates every row and raises
``DataError`` naming the file, the line and the problem, so a broken row never
reaches a chapter silently.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import site
import sys
import sysconfig
from pathlib import Path

import pandas as pd

from kurils.course import ROOT


def installed_folder(repository: str, share: str) -> Path:
    """The repository's folder ``repository``, else the copy a wheel installs as ``share/kurils/SHARE``."""
    folder = ROOT / repository
    if folder.is_dir():
        return folder
    # pip puts a wheel's data files under the install scheme's "data" path (/usr/local on Debian and
    # Colab, the venv in a venv, ~/.local for --user installs).
    bases = [sysconfig.get_path("data"), sys.prefix, site.getuserbase()]
    installed = [Path(base) / "share" / "kurils" / share for base in bases]
    return next((path for path in installed if path.is_dir()), installed[0])


def _data_dir() -> Path:
    """``$KURILS_DATA``, else the repository's ``data/``, else the copy a wheel installs under ``share/``."""
    if os.environ.get("KURILS_DATA"):
        return Path(os.environ["KURILS_DATA"])
    return installed_folder("data", "data")


DATA_DIR = _data_dir()
DATASETS = (
    "sources",
    "islands",
    "settlements",
    "events",
    "meetings",
    "excerpts",
    "source_errors",
    "proposals",
    "positions",
    "loaded_terms",
    "places",
    "trade",
    "trade_goods",
    "japan_investment",
    "economy",
    "island_population",
    "kuril_programmes",
    "polls",
    "documents",
)

_PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class DataError(ValueError):
    """A data file does not match its schema; the message lists every problem found."""


#: The field types ``_convert`` knows.
TYPES = ("string", "integer", "number", "partial-date", "source-ids")
#: What a schema file may say (a small dialect of Frictionless Table Schema), as a JSON Schema: a typo
#: such as ``"type": "interger"`` or ``"requried": true`` is an error, not a check silently skipped.
SCHEMA_OF_SCHEMAS = {
    "type": "object",
    "required": ["title", "fields"],
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string"},
        "description": {"type": "string"},
        "primaryKey": {"type": "string"},
        "fields": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "type"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "type": {"enum": list(TYPES)},
                    "required": {"type": "boolean"},
                    "unique": {"type": "boolean"},
                    "description": {"type": "string"},
                    "enum": {"type": "array", "minItems": 1},
                    "pattern": {"type": "string"},
                    "minimum": {"type": "number"},
                    "maximum": {"type": "number"},
                    "maxLength": {"type": "integer", "minimum": 1},
                },
            },
        },
    },
}


def schema(name: str, data_dir: Path = DATA_DIR, check: bool = False) -> dict:
    """Return the Table Schema descriptor of data set ``name``; with ``check``, checked against
    :data:`SCHEMA_OF_SCHEMAS` (``kurils validate`` and the tests do; a student's kernel does not pay
    the 1.5 s of importing jsonschema each time it loads a data set)."""
    path = data_dir / f"{name}.schema.json"
    if not path.exists():
        known = ", ".join(sorted(p.name.removesuffix(".schema.json") for p in data_dir.glob("*.schema.json")))
        raise DataError(f"unknown data set {name!r}: there is no {path.name} (known: {known})")
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DataError(f"{path}: not valid JSON, line {error.lineno} column {error.colno}: {error.msg}") from None
    if not check:
        return descriptor
    import jsonschema

    problems = sorted(jsonschema.Draft202012Validator(SCHEMA_OF_SCHEMAS).iter_errors(descriptor), key=str)
    if problems:
        said = []
        for problem in problems[:5]:
            where = "/".join(str(p) for p in problem.absolute_path) or "the top level"
            try:  # the field's name, when the problem is inside one
                field = descriptor["fields"][problem.absolute_path[1]]["name"]
            except (IndexError, KeyError, TypeError):
                field = None
            said.append(f"{where}{f' (field {field!r})' if isinstance(field, str) else ''}: {problem.message}")
        raise DataError(f"{path}: not a schema the course can use: " + "; ".join(said))
    names = [f["name"] for f in descriptor["fields"]]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice or descriptor.get("primaryKey", names[0]) not in names:
        raise DataError(f"{path}: fields named twice ({', '.join(twice)}) or a primaryKey that is not a field")
    return descriptor


def _convert(value: str, field: dict) -> object:
    """Check one non-empty cell against its field and return it converted; raise ValueError."""
    kind = field.get("type", "string")
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise ValueError(f"{value!r} is not a whole number")
        converted: object = int(value)
    elif kind == "number":
        try:
            converted = float(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
    elif kind == "partial-date":
        if not _PARTIAL_DATE.match(value):
            raise ValueError(f"{value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        converted = value
    elif kind == "source-ids":
        ids = value.split(";")
        bad = [i for i in ids if not _SOURCE_ID.match(i)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a source id (ids are separated by ';' with no spaces)")
        converted = ids
    else:
        converted = value
    if "enum" in field and converted not in field["enum"]:
        raise ValueError(f"{value!r} is not one of {', '.join(field['enum'])}")
    if "pattern" in field and not re.fullmatch(field["pattern"], value):
        raise ValueError(f"{value!r} does not match the pattern {field['pattern']}")
    if "minimum" in field and converted < field["minimum"]:
        raise ValueError(f"{value} is below the minimum {field['minimum']}")
    if "maxLength" in field and len(value) > field["maxLength"]:
        raise ValueError(f"is {len(value)} characters long; at most {field['maxLength']} are allowed")
    if "maximum" in field and converted > field["maximum"]:
        raise ValueError(f"{value} is above the maximum {field['maximum']}")
    return converted


def _row_checks(name: str, row: dict) -> list[str]:
    """Checks across the columns of one row."""
    problems = []
    for column in row:
        if column.endswith("_min"):
            base = column.removesuffix("_min")
            low, value, high = row.get(column), row.get(base), row.get(base + "_max")
            if None not in (low, value, high) and not low <= value <= high:
                problems.append(f"{base} = {value} is not within its range {low}–{high}")
    if name == "events" and row.get("date") and row.get("date_precision"):
        parts = {"year": 1, "month": 2, "day": 3}[row["date_precision"]]
        if len(row["date"].split("-")) != parts:
            problems.append(f"date {row['date']!r} does not have the precision {row['date_precision']!r}")
    if name == "proposals" and (row.get("etorofu") == "split") != (row.get("etorofu_japan_share") is not None):
        problems.append("etorofu_japan_share is given exactly when etorofu is 'split'")
    if name == "trade" and row.get("year") and row.get("reporter") and row.get("id"):
        if row["id"] != f"trade-{row['year']}-{row['reporter']}":
            problems.append(f"id should be trade-{row['year']}-{row['reporter']} (its year and reporter)")
    parts = (row.get("japan_exports_usd_bn"), row.get("japan_imports_usd_bn"), row.get("total_usd_bn"))
    if name == "trade" and None not in parts and abs(parts[0] + parts[1] - parts[2]) > 0.03 * parts[2]:
        exports, imports, total = parts
        problems.append(f"exports {exports:g} + imports {imports:g} differ from total_usd_bn {total:g} by more than 3%")
    if name == "trade_goods":
        if row.get("share_pct") is None and row.get("value_usd_bn") is None:
            problems.append("a goods row needs share_pct or value_usd_bn (or both)")
        if row.get("id") and row.get("year") and row.get("flow"):
            prefix = f"goods-{row['year']}-{row['flow'].removeprefix('japan-')}-"
            if not row["id"].startswith(prefix):
                problems.append(f"id should start with {prefix} (its year and flow)")
    if name == "sources" and not row.get("date") and not row.get("accessed"):
        problems.append("an undated source needs 'accessed' (when it was read)")
    if name == "documents":
        if (row.get("language") == "en") != (row.get("translation_origin") == "authentic"):
            problems.append("translation_origin is 'authentic' exactly when the original is English")
        if row.get("language") != "en" and not row.get("translation"):
            problems.append("a passage that is not in English needs a translation")
        if bool(row.get("language_2")) != bool(row.get("original_2")):
            problems.append("language_2 and original_2 are given together or not at all")
    if name == "positions":
        japan = set((row.get("requires_japan") or "").split(";")) - {""}
        russia = set((row.get("requires_russia") or "").split(";")) - {""}
        if japan & russia:
            problems.append(f"{', '.join(sorted(japan & russia))} cannot be required by both sides")
        if not (japan or russia or row.get("condition")):
            problems.append("a position needs requires_japan, requires_russia or a condition")
    return problems


def validate(name: str, path: Path | None = None, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Read ``path`` (default ``data/NAME.csv``), check it against the schema and return it.

    Raises ``DataError`` listing every problem as ``file, line N (id): column: problem``.
    """
    descriptor = schema(name, data_dir)
    path = Path(path) if path else data_dir / f"{name}.csv"
    where = path.name
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{where}: file not found at {path}") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise DataError(f"{where}: not a readable UTF-8 CSV file: {error}") from None

    fields = descriptor["fields"]
    expected = [f["name"] for f in fields]
    if list(raw.columns) != expected:
        missing = [c for c in expected if c not in raw.columns]
        extra = [c for c in raw.columns if c not in expected]
        detail = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unexpected {', '.join(extra)}" if extra else "",
                "columns out of order" if not (missing or extra) else "",
            )
            if part
        )
        raise DataError(f"{where}: header does not match {name}.schema.json ({detail}); expected: {','.join(expected)}")

    problems: list[str] = []
    rows = []
    seen: dict[str, dict[str, int]] = {f["name"]: {} for f in fields if f.get("unique")}
    for index, record in enumerate(raw.to_dict("records")):
        line = index + 2  # line 1 is the header
        label = f"{where}, line {line}" + (f" ({record.get('id')})" if record.get("id") else "")
        row: dict = {}
        for field in fields:
            column, value = field["name"], record[field["name"]].strip()
            if value == "":
                if field.get("required"):
                    problems.append(f"{label}: {column}: required, but empty")
                row[column] = "" if field.get("type", "string") in ("string", "partial-date") else None
                continue
            try:
                row[column] = _convert(value, field)
            except ValueError as error:
                problems.append(f"{label}: {column}: {error}")
                row[column] = None
            if column in seen:
                if value in seen[column]:
                    problems.append(f"{label}: {column}: {value!r} repeats line {seen[column][value]}")
                seen[column][value] = line
        problems.extend(f"{label}: {p}" for p in _row_checks(name, row))
        rows.append(row)
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise DataError(f"{len(problems)} problem(s) in {where}:\n  {shown}{more}")
    return pd.DataFrame(rows, columns=expected)


def _check_source_ids(name: str, frame: pd.DataFrame, known: set[str], data_dir: Path) -> None:
    columns = [f["name"] for f in schema(name, data_dir)["fields"] if f.get("type") == "source-ids"]
    problems = [
        f"{name}.csv, line {i + 2} ({row['id']}): {column}: {sid!r} is not an id in sources.csv"
        for column in columns
        for i, row in frame.iterrows()
        for sid in (row[column] or [])
        if sid not in known
    ]
    if problems:
        raise DataError(f"{len(problems)} unknown source id(s):\n  " + "\n  ".join(problems))


def load(name: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Load data set ``name`` (e.g. ``"islands"``), validated, with its sources checked."""
    frame = validate(name, data_dir=data_dir)
    if name != "sources":
        known = set(validate("sources", data_dir=data_dir)["id"])
        _check_source_ids(name, frame, known, data_dir)
    return frame


def validate_all(data_dir: Path = DATA_DIR) -> dict[str, pd.DataFrame]:
    """Check every schema file, then load every data set; raise on the first that fails."""
    for name in DATASETS:
        schema(name, data_dir, check=True)
    return {name: load(name, data_dir) for name in DATASETS}


#: Other islands nearby (Japanese and Russian forms), which a misspelling check must not turn
#: into one of the four: "Uruppu" is close to "Iturup" as text, but a different island.
OTHER_ISLANDS = {
    "uruppu", "urup", "uruppu-to", "уруп", "得撫島", "shumshu", "shimushu", "paramushir", "paramushiro",
    "simushir", "shimushiru", "onekotan", "matua", "matsuwa", "ketoy", "ketoi", "rasshua", "chirpoy",
    "hokkaido", "sakhalin", "karafuto",
}  # fmt: skip


def island_id(name: str, data_dir: Path = DATA_DIR) -> str:
    """Return the id of the island called ``name`` in any of its English, Japanese or Russian forms.

    ``island_id("Iturup") == island_id("択捉島") == "etorofu"``. An unknown name raises
    ``KeyError`` with the closest known names.
    """
    islands = load("islands", data_dir)
    name_columns = ["id", "name_ja_en", "name_ru_en", "name_ja", "name_ja_romaji", "name_ru", "name_ru_translit"]
    names = {str(row[c]).casefold(): row["id"] for _, row in islands.iterrows() for c in name_columns}
    key = name.strip().casefold()
    if key in names:
        return names[key]
    if key in OTHER_ISLANDS:  # a real island that is not one of these: never suggest one that is
        raise KeyError(
            f"{name!r} is not one of the islands in this data set, which has only these: {', '.join(islands['id'])}"
        )
    close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise KeyError(f"unknown island {name!r}{hint} Known ids: {', '.join(islands['id'])}")

"""Reading gettext catalogues (.po) in tests, without a dependency for it."""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

# Python's %-placeholders (%(name)s, %d, %s) and str.format's {name}, which allauth also uses.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\w*\}")


@dataclass
class Entry:
    strings: list  # the msgstr, or msgstr[0], msgstr[1]... of a plural entry
    plural: str | None = None  # msgid_plural
    fuzzy: bool = False
    files: list = field(default_factory=list)  # the source files in the #: references


def read_po(path: Path):
    """The entries of a .po file as {(context, msgid): Entry}; the header is the entry of msgid ""."""
    entries, entry, fields, key = {}, None, {}, None

    def finish():
        if fields:
            ident = (fields.get("msgctxt"), fields.get("msgid", ""))
            strings = [fields[k] for k in sorted(fields) if k.startswith("msgstr")]
            entries[ident] = Entry(strings, fields.get("msgid_plural"), entry["fuzzy"], entry["files"])

    entry = {"fuzzy": False, "files": []}
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            finish()
            entry, fields, key = {"fuzzy": False, "files": []}, {}, None
        elif line.startswith("#,"):
            entry["fuzzy"] = entry["fuzzy"] or "fuzzy" in line
        elif line.startswith("#:"):
            entry["files"] += [ref.rsplit(":", 1)[0] for ref in line[2:].split()]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            fields[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            fields[key] = ast.literal_eval(value)
    return entries


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text))

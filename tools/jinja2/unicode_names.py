#!/usr/bin/env python3
"""Writes the table of Unicode character names that ``'\\N{NAME}'`` escapes in templates resolve.

    python3 tools/jinja2/unicode_names.py
    npx prettier --write libs/templates/src/syntax/unicode-names.lookup.ts

Python knows every name; JavaScript knows none. To keep the table small it holds
the blocks alert texts use: Latin-1 symbols, general punctuation, currency,
letterlike symbols, arrows, technical symbols, box drawing, geometric shapes,
miscellaneous symbols and dingbats. Other names are a syntax error in Dozor.
"""

import json
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "libs/templates/src/syntax/unicode-names.lookup.ts"
BLOCKS = [(0x00A0, 0x00BF), (0x00D7, 0x00D7), (0x00F7, 0x00F7), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2190, 0x21FF), (0x2300, 0x23FF), (0x2500, 0x257F), (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x2700, 0x27BF)]


def main():
    names = {}
    for lo, hi in BLOCKS:
        for cp in range(lo, hi + 1):
            name = unicodedata.name(chr(cp), None)
            if name:
                names[name] = cp
    body = ",\n".join(f"  {json.dumps(k)}: 0x{v:04x}" for k, v in names.items())
    OUT.write_text(
        "/**\n"
        f" * Unicode character names (Unicode {unicodedata.unidata_version}, from Python {sys.version.split()[0]}'s unicodedata) for\n"
        " * `'\\N{NAME}'` escapes, for the blocks listed in tools/jinja2/unicode_names.py, which generates this file.\n"
        " */\n"
        f"export const UNICODE_NAMES: Readonly<Record<string, number>> = Object.freeze({{\n{body},\n}});\n",
        encoding="utf-8",
    )
    print(f"wrote {len(names)} names to {OUT}")


if __name__ == "__main__":
    main()

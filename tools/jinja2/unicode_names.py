#!/usr/bin/env python3
"""Writes the table of Unicode character names that ``'\\N{NAME}'`` escapes in templates resolve.

    python3 tools/jinja2/unicode_names.py
    npx prettier --write libs/templates/src/syntax/unicode-names.lookup.ts

Python knows every name; JavaScript knows none. The full list (about 34,000 names
beyond the algorithmic ones) would be over a megabyte of source for escapes nobody
writes in an alert, so the table holds the blocks alert texts use: ASCII, Latin-1
and Latin Extended-A/B, Greek, Cyrillic, everything from General Punctuation to
Miscellaneous Symbols and Arrows (U+2000-2BFF: currency, letterlike, arrows,
mathematical operators, technical, enclosed alphanumerics, box drawing, shapes,
symbols, dingbats), Supplemental Punctuation, CJK Symbols and Punctuation,
variation selectors, Specials, and the emoji planes U+1F000-1FAFF (cards,
enclosed supplements, pictographs, emoticons, transport, supplemental symbols).
``CJK UNIFIED IDEOGRAPH-XXXX`` and ``HANGUL SYLLABLE …`` names are derived by rule
in the parser (as Unicode defines them), not listed. Other names, and Python's
name aliases (``\N{LINE FEED}``), are a syntax error in Dozor.
"""

import json
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "libs/templates/src/syntax/unicode-names.lookup.ts"
BLOCKS = [(0x0020, 0x007E), (0x00A0, 0x024F), (0x0370, 0x03FF), (0x0400, 0x04FF), (0x2000, 0x2BFF), (0x2E00, 0x2E7F), (0x3000, 0x303F), (0xFE00, 0xFE0F), (0xFFF0, 0xFFFF), (0x1F000, 0x1FAFF)]


def main():
    names = {}
    for lo, hi in BLOCKS:
        for cp in range(lo, hi + 1):
            name = unicodedata.name(chr(cp), None)
            if name and not name.endswith(f"-{cp:04X}"):
                names[name] = cp
    # Names that are a prefix and the code point in hex: ranges per prefix.
    derived = []
    for cp in range(0x110000):
        name = unicodedata.name(chr(cp), "")
        if name.endswith(f"-{cp:04X}"):
            prefix = name[: -len(f"{cp:04X}")]
            if derived and derived[-1][0] == prefix and derived[-1][2] == cp - 1:
                derived[-1][2] = cp
            else:
                derived.append([prefix, cp, cp])
    body = ",\n".join(f"  {json.dumps(k)}: 0x{v:04x}" for k, v in names.items())
    OUT.write_text(
        "/**\n"
        f" * Unicode character names (Unicode {unicodedata.unidata_version}, from Python {sys.version.split()[0]}'s unicodedata) for\n"
        " * `'\\N{NAME}'` escapes, for the blocks listed in tools/jinja2/unicode_names.py, which generates this file.\n"
        " */\n"
        f"export const UNICODE_NAMES: Readonly<Record<string, number>> = Object.freeze({{\n{body},\n}});\n\n"
        "/** Names that are a prefix and the code point in hex (`CJK UNIFIED IDEOGRAPH-4E00`): [prefix, first, last]. */\n"
        "export const DERIVED_NAME_RANGES: readonly (readonly [string, number, number])[] = [\n"
        + "".join(f"  [{json.dumps(p)}, 0x{lo:04x}, 0x{hi:04x}],\n" for p, lo, hi in derived)
        + "];\n",
        encoding="utf-8",
    )
    print(f"wrote {len(names)} names to {OUT}")


if __name__ == "__main__":
    main()

"""Right-to-left text in drawing order, with mirrored brackets (Unicode bidi algorithm, UAX #9).

python-bidi has two implementations and neither does the whole job alone:
- its Rust one (`bidi.get_display`, unicode-bidi) resolves levels with the paired-bracket
  rule N0, but does not mirror (rule L4): an Arabic "(...)" comes out facing outwards;
- its older Python one (`bidi.algorithm`) mirrors, but lacks N0: in "Lavoro (مطعم) 2010"
  the year moves inside the brackets.
So the levels come from the Rust one and the rest is done here: L2 (reverse each run at or
above each odd level) gives the runs in drawing order, and L4 (an odd-level character with a
mirror image is drawn as that image) is left to HarfBuzz for Arabic script and done by
`mirrored` for the rest. L1 (trailing whitespace back to the paragraph level) is not needed:
the PDF draws single lines without tabs or trailing spaces. Pure: no web or database imports.
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

import re
from unicodedata import bidirectional

from bidi import get_base_level, get_display
from bidi.mirror import MIRRORED

# The Rust implementation tells its levels only in its debug output: a pretty-printed
# `BidiInfo { text: "...", original_classes: [...], levels: [Level(0), ...], ... }` with one
# level per UTF-8 byte. The text is printed escaped on one line, so it cannot contain the
# newline that starts the levels field.
_LEVELS_FIELD = "\n    levels: ["
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")
_RTL_WORD = frozenset({"AL", "R", "NSM"})  # Arabic letters, right-to-left letters, combining marks


def levels(text: str) -> list[int] | None:
    """Each character's resolved embedding level, or None if python-bidi's debug output is
    not what this reads (a new version, which the tests would catch): `runs` then gives the
    whole line at its paragraph's level, right for a line in one direction."""
    debug = get_display(text, debug=True)
    start = debug.find(_LEVELS_FIELD)
    if start < 0:
        return None
    per_byte = [int(level) for level in _LEVEL.findall(debug, start, debug.find("]", start))]
    found, at = [], 0
    for char in text:
        if at >= len(per_byte):
            return None
        found.append(per_byte[at])
        at += len(char.encode())
    return found if at == len(per_byte) else None


def runs(text: str) -> list[tuple[str, int]]:
    """The level runs of one line in visual order, left to right: (its text in logical
    order, its level). An odd level is right to left: draw that text reversed, mirrored (L4),
    or hand it to a shaper that does both (HarfBuzz)."""
    # A value in an isolate, or the lines it wraps onto: opened (FSI, or RLI on a line it
    # continues on), closed (PDI) at the end of its last line, or both.
    inner = text[1:] if text[:1] in ("\u2068", "\u2067") else text
    inner = inner[:-1] if inner[-1:] == "\u2069" else inner
    if (
        inner
        and inner[0] != " " != inner[-1]
        and all(char == " " or bidirectional(char) in _RTL_WORD for char in inner)
    ):
        # Words of Arabic letters only, maybe in an isolate of their own (the PDF draws a
        # person's text in one and drops the isolate characters): one right-to-left run (rules
        # P2, W1, N1), without asking python-bidi for the levels of every character.
        return [(text, 1)]
    resolved = levels(text)
    if resolved is None:
        return [(text, get_base_level(text))]
    order = list(range(len(text)))
    odd = [level for level in resolved if level % 2]
    for level in range(max(resolved, default=0), min(odd, default=max(resolved, default=0) + 1) - 1, -1):  # L2
        start = None
        for at in range(len(order) + 1):
            inside = at < len(order) and resolved[order[at]] >= level
            if inside and start is None:
                start = at
            elif not inside and start is not None:
                order[start:at] = order[start:at][::-1]
                start = None
    found: list[list] = []  # [first logical index, last logical index, level]
    for index in order:
        level = resolved[index]
        step = -1 if level % 2 else 1
        if found and found[-1][2] == level and index == found[-1][1] + step:
            found[-1][1] = index
        else:
            found.append([index, index, level])
    return [(text[min(first, last) : max(first, last) + 1], level) for first, last, level in found]


def mirrored(text: str) -> str:
    """Right-to-left text drawn without a shaper: reversed, each character with a mirror
    image (brackets, guillemets) drawn as that image (L4)."""
    return "".join(MIRRORED.get(char, char) for char in reversed(text))

"""Right-to-left text in drawing order, with mirrored brackets (Unicode bidi algorithm, UAX #9).

python-bidi has two implementations and neither does the whole job alone:
- its Rust one (`bidi.get_display`, unicode-bidi) resolves levels with the paired-bracket
  rule N0, but does not mirror (rule L4): an Arabic "(...)" comes out facing outwards;
- its older Python one (`bidi.algorithm`) mirrors, but lacks N0: in "Lavoro (مطعم) 2010"
  the year moves inside the brackets.
So the levels come from the Rust one and the rest is done here: L2 (reverse each run at or
above each odd level) and L4 (an odd-level character with a mirror image is drawn as that
image). L1 (trailing whitespace back to the paragraph level) is not needed: the PDF draws
single lines without tabs or trailing spaces. Pure: no web or database imports.
"""

import re

from bidi import get_display
from bidi.mirror import MIRRORED

# The Rust implementation tells its levels only in its debug output: a pretty-printed
# `BidiInfo { text: "...", original_classes: [...], levels: [Level(0), ...], ... }` with one
# level per UTF-8 byte. The text is printed escaped on one line, so it cannot contain the
# newline that starts the levels field.
_LEVELS_FIELD = "\n    levels: ["
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")


def levels(text: str) -> list[int] | None:
    """Each character's resolved embedding level, or None if python-bidi's debug output is
    not what this reads (a new version): then the text is drawn in order, unmirrored."""
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


def visual(text: str) -> str:
    """`text` (one line) in left-to-right drawing order, brackets facing what they enclose."""
    resolved = levels(text)
    if resolved is None:
        return get_display(text)
    chars = [MIRRORED.get(char, char) if level % 2 else char for char, level in zip(text, resolved)]  # L4
    order = list(range(len(chars)))
    odd = [level for level in resolved if level % 2]
    for level in range(max(resolved), min(odd, default=max(resolved) + 1) - 1, -1):  # L2
        start = None
        for at in range(len(order) + 1):
            inside = at < len(order) and resolved[order[at]] >= level
            if inside and start is None:
                start = at
            elif not inside and start is not None:
                order[start:at] = order[start:at][::-1]
                start = None
    return "".join(chars[index] for index in order)

"""The verification QR code of the dossier PDF, drawn straight on the canvas.

ReportLab's QrCodeWidget drawn through renderPDF encoded the value twice (once for its
bounds, once to draw) and built and validated a shape object per run of dark modules: about
20 ms, most of a typical dossier's render. segno (a QR library that follows ISO/IEC 18004,
mask choice by the standard's penalty rules included) makes the matrix, and it goes on the
page as one filled path. Pure: no web or database imports.
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

import segno
from reportlab.lib.colors import black
from reportlab.pdfgen.canvas import Canvas


def matrix(value: str) -> tuple[bytearray, ...]:
    """The modules of `value` (1 = dark), the top row first: error correction level M at
    least (segno raises it when that fits in the same size), never a Micro QR code, which
    phone cameras read less reliably."""
    return segno.make(value, error="m", micro=False).matrix


def draw_qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    """The QR code of `value` in a size × size square at (x, y), with the standard quiet zone
    of 4 modules: a rectangle per horizontal run of dark modules, in one path."""
    modules = matrix(value)
    box = size / (len(modules) + 8)
    runs = []
    for row, line in enumerate(modules):
        start = None
        for col, dark in enumerate([*line, 0]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                runs.append(f"{start} {-row - 1} {col - start} 1 re")
                start = None
    canvas.saveState()
    canvas.setFillColor(black)
    canvas.transform(box, 0, 0, box, x + 4 * box, y + size - 4 * box)  # module units, origin at the top left
    # Whole numbers only, so the path is written directly rather than through ReportLab's
    # float formatting (pure Python, a few µs a number, hundreds of rectangles).
    canvas.addLiteral("\n".join(runs) + "\nf")
    canvas.restoreState()

"""The print shop's files for a batch of voting codes: a CSV and a PDF with one letter per code.

The plain codes exist only while these files are made (ADR 0005): the caller gets them from
``services.codes_issue`` and hands them straight here; nothing is stored or logged.

**CSV columns** (UTF-8, comma-separated, a header line, one code per line):

``code``
    the voting code as printed, four groups of four: ``7K3M-Q9TX-WB2D-E5HR``
``district``
    the district whose pot the code also opens (empty: the city-wide pot only)
``batch``
    the batch's label, or its number when it has none
``vote_url``
    the vote page with the code in the fragment (``…/vote/#code=7K3M-Q9TX-WB2D-E5HR``), e.g.
    for the QR code. A fragment is never sent to the server, so the code does not end up in
    any access log when a voter scans it; the page reads it in the browser.

The QR code and the PDF come from ``segno`` and ``fpdf2`` (pure Python); they are imported here
only, so the rest of the app runs without them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import codes

CSV_COLUMNS = ("code", "district", "batch", "vote_url")


@dataclass(frozen=True)
class LetterText:
    """What a letter says besides the code; in the language of the page that made it."""

    city: str
    title: str
    vote_url: str  # without the code: the address to type
    district: str = ""
    period: str = ""  # when the vote is open, as text
    requirements: str = ""  # who may vote, as text


def code_url(vote_url: str, code: str) -> str:
    return f"{vote_url}#code={codes.formatted(code)}"


class _Line:
    """A file-like sink for csv.writer that hands back what was written."""

    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> int:
        self.value = text
        return len(text)


def csv_lines(issued: Iterable[str], *, district: str, batch: str, vote_url: str) -> Iterator[str]:
    """The CSV line by line, for a streamed download or a file."""
    sink = _Line()
    writer = csv.writer(sink, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    yield sink.value
    for code in issued:
        printed = codes.formatted(code)
        writer.writerow((printed, district, batch, f"{vote_url}#code={printed}"))
        yield sink.value


def csv_write(path, issued: Iterable[str], *, district: str, batch: str, vote_url: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(
            (printed, district, batch, f"{vote_url}#code={printed}")
            for printed in map(codes.formatted, issued)
        )


# --- The letters ---------------------------------------------------------------------------------

# The PDF's built-in fonts cover Latin-1: typographic signs outside it are replaced.
_LATIN1 = str.maketrans(
    {"–": "-", "—": "-", "„": '"', "“": '"', "”": '"', "‚": "'", "‘": "'", "’": "'", "…": "...",
     "€": "EUR", "\u202f": " ", "\u00a0": " "}
)  # fmt: skip


def _latin1(text: str) -> str:
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def _qr(pdf, data: str, *, x: float, y: float, size: float) -> None:
    """The QR code as filled rectangles (vector, sharp at any print resolution)."""
    import segno

    qr = segno.make(data, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix_iter(border=4)]
    module = size / len(matrix)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    for row_number, row in enumerate(matrix):
        column = 0
        while column < len(row):
            if row[column]:
                start = column
                while column < len(row) and row[column]:
                    column += 1
                pdf.rect(
                    x + start * module,
                    y + row_number * module,
                    (column - start) * module,
                    module,
                    style="F",
                )
            else:
                column += 1


def letters_pdf(issued: Iterable[str], *, text: LetterText) -> bytes:
    """One A4 page per code: the code, a QR code to the vote page and how to vote."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(20, 20, 20)
    pdf.set_title(_latin1(_("Voting code: %(title)s") % {"title": text.title}))
    pdf.set_creator("Quartier")
    steps = [
        _("Go to %(url)s or scan the QR code.") % {"url": text.vote_url},
        _("Type the voting code printed on this letter."),
        _("Choose the projects you want to fund and cast your ballot."),
        _(
            "Note the receipt shown after your ballot: with it and this code you can change "
            "your ballot until the vote closes."
        ),
    ]
    secret = _(
        "Keep this letter to yourself: the code lets whoever holds it vote once. Your ballot is "
        "secret: the code is stored only in a scrambled form, and nothing links your ballot to "
        "you or to this code."
    )
    for code in issued:
        printed = codes.formatted(code)
        pdf.add_page()
        pdf.set_font("Helvetica", "", 11)
        pdf.cell(0, 6, _latin1(text.city), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "B", 16)
        pdf.multi_cell(115, 8, _latin1(text.title), new_x="LMARGIN", new_y="NEXT")
        _qr(pdf, code_url(text.vote_url, code), x=145, y=20, size=45)
        pdf.set_xy(145, 66)
        pdf.set_font("Helvetica", "", 8)
        pdf.multi_cell(45, 4, _latin1(_("Scan to open the vote")), align="C")
        pdf.set_xy(20, 80)
        pdf.set_font("Helvetica", "", 12)
        pdf.cell(0, 7, _latin1(_("Your voting code")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Courier", "B", 22)
        pdf.cell(0, 12, printed, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        if text.district:
            pdf.multi_cell(
                0,
                6,
                _latin1(
                    _("Valid for the city-wide pot and the pot of %(district)s.")
                    % {"district": text.district}
                ),
                new_x="LMARGIN",
                new_y="NEXT",
            )
        if text.period:
            pdf.multi_cell(0, 6, _latin1(text.period), new_x="LMARGIN", new_y="NEXT")
        if text.requirements:
            pdf.multi_cell(0, 6, _latin1(text.requirements), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 7, _latin1(_("How to vote")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        for number, step in enumerate(steps, start=1):
            pdf.multi_cell(0, 6, _latin1(f"{number}. {step}"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.multi_cell(0, 6, _latin1(secret), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def zip_bytes(files: dict[str, bytes]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()

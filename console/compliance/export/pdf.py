"""records.pdf: the custodian statement, then one sheet per performer (DejaVu Sans from assets/fonts, and
Noto Sans CJK from the cvttf-NotoSansCJK-Regular package for the Chinese, Japanese and Korean characters DejaVu
lacks)."""

from __future__ import annotations

from datetime import date, datetime
from importlib.resources import files
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import TTFFont

from console.actor import Actor
from console.compliance.index import IndexEntry
from console.compliance.models import Custodian, IdDocument, IdScan, LegalRecord
from console.compliance.productions import STATEMENT_TITLE
from console.compliance.records import ID_TYPE_LABELS, NAME_KIND_LABELS, STATUS_LABELS
from console.config import ROOT

FONTS = ROOT / "assets" / "fonts"
# Noto Sans CJK TC Regular (SIL OFL 1.1, assets/fonts/LICENSE-NotoSansCJK.txt) as the PyPI package
# cvttf-NotoSansCJK-Regular installs it: a 16 MB font is a dependency, not a file kept in git.
CJK_FONT = Path(str(files("cvttf_NotoSansCJK_Regular") / "NotoSansCJKtc-Regular.otf"))


class RecordsPdf(FPDF):
    """A4 sheets in DejaVu Sans (covers Latin, Greek, Cyrillic, Hebrew, Arabic, ... names); a character DejaVu has
    no glyph for (CJK ideographs, kana, hangul) is drawn in Noto Sans CJK (fpdf2's fallback fonts)."""

    def __init__(self, generated: str) -> None:
        super().__init__(format="A4")
        self.generated = generated
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.add_font("NotoSansCJK", "", str(CJK_FONT))
        self.set_fallback_fonts(["NotoSansCJK"], exact_match=False)  # bold text falls back to the regular face
        regular, bold = self.fonts["dejavu"], self.fonts["dejavuB"]
        assert isinstance(regular, TTFFont) and isinstance(bold, TTFFont)
        self._dejavu_chars = frozenset(regular.cmap).intersection(bold.cmap)
        self.set_auto_page_break(True, margin=16)
        self.set_margins(16, 16, 16)
        self.set_creator("Staff Console")
        self.set_title("18 U.S.C. 2257 records — inspection export")
        self._font_key: tuple[str, float] | None = None

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 7)
        self._font_key = None
        self.set_text_color(110)
        self.cell(0, 5, f"2257 records · exported {self.generated} · page {self.page_no()}", align="C")
        self.set_text_color(0)

    def line_of(self, text: str, *, size: float = 9.5, bold: bool = False, height: float = 5.0) -> None:
        """One line of text. Drawn with `text()` (several times cheaper than `cell()`, which matters at 20,000
        sheets); only a line that may not fit is measured, and only one that does not fit is wrapped. A line with a
        character DejaVu lacks goes through `multi_cell()`, the path that uses the fallback font (`text()` does
        not: it would print those characters blank)."""
        style = "B" if bold else ""
        if self._font_key != (style, size):
            self.set_font("DejaVu", style, size)
            self._font_key = (style, size)
        width = self.w - self.l_margin - self.r_margin
        safe_chars = int(width / 0.3528 / (size * 1.1))  # no glyph of DejaVu Sans is wider than 1.1 em
        if not self.covered(text) or (len(text) > safe_chars and self.get_string_width(text) > width):
            self.multi_cell(width, height, text, align="L", new_x="LMARGIN", new_y="NEXT")
            return
        if self.y + height > self.page_break_trigger:
            self.add_page()
        self.text(self.l_margin + self.c_margin, self.y + height / 2 + self.font_size * 0.35, text)
        self.set_y(self.y + height)

    def covered(self, text: str) -> bool:
        """Whether DejaVu Sans has a glyph for every character of `text`."""
        return text.isascii() or all(ord(c) in self._dejavu_chars for c in text)

    def heading(self, text: str) -> None:
        self.ln(2)
        self.line_of(text, size=10.5, bold=True, height=6)


def _d(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def _statement_page(pdf: RecordsPdf, custodian: Custodian | None, actor: Actor, generated: str) -> None:
    pdf.add_page()
    pdf.start_section("Custodian of records")
    pdf.line_of(STATEMENT_TITLE, size=13, bold=True, height=8)
    pdf.ln(2)
    if custodian is None:
        pdf.set_text_color(180, 0, 0)
        pdf.line_of("NO CUSTODIAN OF RECORDS IS SET. A compliance officer must enter one (Compliance → Custodian).")
        pdf.set_text_color(0)
    else:
        pdf.line_of(
            "The records required by 18 U.S.C. 2257 and 28 C.F.R. Part 75 for all performers appearing in the "
            "depictions listed in this export are kept by the following custodian of records:"
        )
        pdf.ln(3)
        pdf.line_of(custodian.name, size=11, bold=True, height=6)
        pdf.line_of(custodian.title)
        for address_line in custodian.business_address.splitlines():
            pdf.line_of(address_line)
        pdf.ln(2)
        pdf.line_of(f"Records are available for inspection: {custodian.hours}")
    pdf.ln(6)
    pdf.line_of(f"Exported {generated} by {actor.label}.", size=8.5)
    pdf.line_of(
        "One sheet per performer follows, in order of legal name (last, first). The ZIP holds the cross-reference "
        "indexes (CSV) and decrypted copies of every identification document under ids/.",
        size=8.5,
    )


def _performer_sheet(
    pdf: RecordsPdf,
    rec: LegalRecord,
    entry: IndexEntry,
    documents: list[tuple[IdDocument, list[tuple[IdScan, str]]]],
) -> None:
    pdf.add_page()
    pdf.start_section(entry.legal_name)
    pdf.line_of(entry.legal_name, size=14, bold=True, height=8)
    pdf.line_of(f"Legal record #{rec.id} · performer #{rec.performer_id} · stage name: {entry.stage_name}", size=9)
    pdf.heading("Identity")
    pdf.line_of(
        f"Legal name: {rec.legal_first_name} {rec.legal_middle_name or ''} {rec.legal_last_name}".replace("  ", " ")
    )
    pdf.line_of(f"Date of birth: {_d(rec.date_of_birth)}")
    status = STATUS_LABELS.get(rec.status, rec.status)
    if rec.status == "verified":
        status += f" — verified by {rec.verified_by_label or '—'} at {_d(rec.verified_at)}"
    elif rec.status_reason:
        status += f" — {rec.status_reason}"
    pdf.line_of(f"Record status: {status}")
    pdf.line_of(
        f"Created {_d(rec.created_at)} · last amended {_d(rec.amended_at)} · kept until {_d(rec.retention_until)}"
    )
    pdf.heading("Other names used")
    if not entry.other_names:
        pdf.line_of("None recorded.")
    for n in entry.other_names:
        used = ""
        if n.used_from or n.used_to:
            used = f" (used {_d(n.used_from) if n.used_from else '…'} to {_d(n.used_to) if n.used_to else '…'})"
        pdf.line_of(f"{n.name} — {NAME_KIND_LABELS.get(n.kind, n.kind)}{used}")
    pdf.heading("Identification documents examined")
    if not documents:
        pdf.line_of("None recorded.")
    for doc, scans in documents:
        place = doc.issuing_country + (f" ({doc.issuing_state})" if doc.issuing_state else "")
        pdf.line_of(
            f"{ID_TYPE_LABELS.get(doc.doc_type, doc.doc_type)} No. {doc.number} · issued by {place} · "
            f"issued {_d(doc.issue_date)} · expires {_d(doc.expiry_date)}",
            bold=True,
        )
        pdf.line_of(f"Examined on {_d(doc.examined_on)} by {doc.examined_by_label or '—'}")
        copies = ", ".join(name for _, name in scans) if scans else "no copy on file"
        pdf.line_of(f"Copies: {copies}", size=8.5)
    pdf.heading(f"Depictions ({entry.depiction_total})")
    if not entry.depictions:
        pdf.line_of("None.")
    for d in entry.depictions:
        deleted = " (deleted)" if d.deleted else ""
        pdf.line_of(f"{_d(d.production_date)} · {d.title}{deleted} · {d.slug} · #{d.video_id} · {d.url}", size=9)

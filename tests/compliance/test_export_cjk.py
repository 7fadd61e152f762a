"""records.pdf prints Chinese, Japanese and Korean names: the characters DejaVu Sans lacks are drawn in Noto Sans
CJK (fpdf2's fallback font, from the cvttf-NotoSansCJK-Regular dependency) and come back out of the PDF as text;
Latin lines stay in DejaVu."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from console.actor import Actor
from console.compliance.export.pdf import CJK_FONT, FONTS, RecordsPdf
from tests.compliance.test_export import run_export, set_custodian
from tests.compliance.test_index import legal_record


@pytest.fixture
def officer(actor_with: Any) -> Actor:
    return actor_with("compliance")


def pdf_text_and_fonts(data: bytes) -> tuple[str, set[str]]:
    """The PDF's text (as a reader extracts it through each font's ToUnicode map) and its fonts' names.

    fpdf2 gives a CFF font (the CJK one) an embedded CMap as its encoding; pypdf reads the two-byte codes of such a
    font one byte at a time, so each CJK character comes out after a NUL (the high byte, 0): the NULs are dropped.
    A character drawn as DejaVu's missing glyph maps to U+0000 and so disappears entirely."""
    reader = PdfReader(io.BytesIO(data))
    fonts: set[str] = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\x00", ""), fonts


def test_a_cjk_legal_name_is_printed_in_the_pdf(officer: Actor, tmp_path: Path) -> None:
    set_custodian()
    other_names = (("김민준", "alias"), ("さくら ミライ", "stage"))
    legal_record("Sakura", first="花子", last="山田", names=other_names, verify=True)
    legal_record("Velvet Rain", first="Jane", last="Doe", verify=True)
    with zipfile.ZipFile(run_export(officer, tmp_path).path) as zf:
        text, fonts = pdf_text_and_fonts(zf.read("records.pdf"))
    assert "山田, 花子" in text  # the sheet's heading (bold: the regular CJK face stands in)
    assert "Legal name: 花子 山田" in text  # a line mixing DejaVu and CJK characters
    assert "김민준" in text and "さくら ミライ" in text  # hangul, hiragana and katakana
    assert "Doe, Jane" in text
    assert any("NotoSansCJK" in name for name in fonts), fonts
    assert any("DejaVuSans" in name for name in fonts), fonts


def test_latin_only_sheets_do_not_embed_the_cjk_font() -> None:
    pdf = RecordsPdf("2026-11-29")
    pdf.add_page()
    pdf.line_of("Doe, Jane — Zoë Ångström, Мария")
    _, fonts = pdf_text_and_fonts(bytes(pdf.output()))
    assert not any("NotoSansCJK" in name for name in fonts), fonts


def test_the_cjk_font_comes_from_the_installed_package_with_its_licence() -> None:
    assert CJK_FONT.exists() and "site-packages" in CJK_FONT.parts  # installed by the dependency, not kept in git
    licence = (FONTS / "LICENSE-NotoSansCJK.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE" in licence and "Version 1.1" in licence and "Adobe" in licence

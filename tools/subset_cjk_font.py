"""Remake assets/fonts/NotoSansCJKtc-Regular-subset.otf, the fallback font of the 2257 export PDF for Chinese,
Japanese and Korean names (licence: assets/fonts/LICENSE-NotoSansCJK.txt).

    .venv/bin/python tools/subset_cjk_font.py            # fetch, check, subset, write the asset
    .venv/bin/python tools/subset_cjk_font.py --otf F    # subset an already downloaded NotoSansCJKtc-Regular.otf

The source is Noto Sans CJK TC Regular 1.004 (SIL OFL 1.1) as shipped in the PyPI package
`cvttf-NotoSansCJK-Regular` 1.0 (fetched with `pip download --no-deps`; PyPI is the only registry the project's
machines reach). Its SHA-256 is checked before use. The subset keeps CJK ideographs (unified, extension A,
compatibility), CJK symbols and punctuation, kana, bopomofo, hangul and half/full-width forms (~40,000 characters,
~8 MB instead of 16 MB), drops hinting and layout features (fpdf2 draws the glyphs without shaping) and keeps the
name table, which carries the copyright and the licence notice. fontTools comes with fpdf2.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "assets" / "fonts" / "NotoSansCJKtc-Regular-subset.otf"
PACKAGE = "cvttf-NotoSansCJK-Regular==1.0"
MEMBER = "cvttf_NotoSansCJK_Regular/NotoSansCJKtc-Regular.otf"
SOURCE_SHA256 = "f57e46120a3dd025ac993801981849622405d1359b32093b1f046490f7885711"
UNICODES = ",".join(
    (
        "U+1100-11FF",  # hangul jamo
        "U+3000-303F",  # CJK symbols and punctuation
        "U+3040-309F",  # hiragana
        "U+30A0-30FF",  # katakana
        "U+3100-312F",  # bopomofo
        "U+3130-318F",  # hangul compatibility jamo
        "U+31F0-31FF",  # katakana phonetic extensions
        "U+3400-4DBF",  # CJK unified ideographs extension A
        "U+4E00-9FFF",  # CJK unified ideographs
        "U+AC00-D7AF",  # hangul syllables
        "U+F900-FAFF",  # CJK compatibility ideographs
        "U+FF00-FFEF",  # half-width and full-width forms
    )
)


def fetch(folder: Path) -> Path:
    command = [sys.executable, "-m", "pip", "download", PACKAGE, "--no-deps", "--quiet", "-d", str(folder)]
    subprocess.run(command, check=True)  # noqa: S603 (a fixed command: pip fetching one pinned package)
    wheel = next(folder.glob("*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        zf.extract(MEMBER, folder)
    return folder / MEMBER


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--otf", type=Path, help="NotoSansCJKtc-Regular.otf already on disk (skips the download)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = args.otf or fetch(Path(tmp))
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        if digest != SOURCE_SHA256:
            print(f"{source}: SHA-256 {digest}, expected {SOURCE_SHA256}; not the font the licence file describes")
            return 1
        subset.main(
            [
                str(source),
                f"--unicodes={UNICODES}",
                "--layout-features=",
                "--no-hinting",
                "--name-IDs=*",
                "--name-languages=*",
                "--notdef-outline",
                f"--output-file={TARGET}",
            ]
        )
    print(f"{TARGET}: {TARGET.stat().st_size / 1024 / 1024:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

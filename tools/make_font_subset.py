"""Build the course's Chinese figure font: a subset of Noto Sans CJK SC, renamed.

    python tools/make_font_subset.py                 # rebuild from tools/font_characters.txt
    python tools/make_font_subset.py --add "鞍熵"     # add characters to the list, then rebuild
    python tools/make_font_subset.py --check         # does the committed font match the list?

matplotlib's default font has no CJK glyphs, so Chinese figure text needs a font, and the course
ships one with the package rather than asking for an apt install: the characters that figure text
can need (``characters()``: printable ASCII, the 3,755 level-1 hanzi of GB2312, CJK punctuation,
the full-width forms and the symbols listed in ``tools/font_characters.txt``), cut from Noto Sans
CJK SC Regular with fontTools.

**The source font.** Debian's ``fonts-noto-cjk`` package; no install is needed:

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb noto
    python tools/make_font_subset.py --source noto/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

(the default ``--source`` is that file's installed path). The face used is the collection's
"Noto Sans CJK SC" (``--face``), version 2.004 in Debian 12.

**Licence and name.** Noto Sans CJK is licensed under the SIL Open Font License 1.1. It is Adobe's
Source Han Sans under Google's brand: Source Han Sans declares the Reserved Font Name "Source", and
"Noto is a trademark of Google Inc." (the font's name table). A subset is a Modified Version under
the OFL, which may not use a Reserved Font Name as its primary font name (condition 3), so the subset
is named "Actlab Sans SC", a name with neither "Source" nor "Noto" in it; the copyright, trademark
and licence records of the name table are kept, and the licence text ships next to the font
(``src/actlab/data/fonts/OFL.txt``, condition 2). The distinct name also keeps matplotlib from
confusing the subset with a full Noto Sans CJK SC installed on the machine.

The build is reproducible: the same source and the same list give the same bytes.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHARACTER_LIST = REPO / "tools" / "font_characters.txt"
FONT_DIR = REPO / "src" / "actlab" / "data" / "fonts"
OUTPUT = FONT_DIR / "ActlabSansSC-Regular.otf"
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_FACE = "Noto Sans CJK SC"

FAMILY = "Actlab Sans SC"
POSTSCRIPT = "ActlabSansSC-Regular"
DESCRIPTION = (
    "A subset of Noto Sans CJK SC {version} (SIL Open Font License 1.1) for the figures of the "
    "actlab course: ASCII, the level-1 hanzi of GB2312, CJK punctuation, full-width forms and the "
    "symbols of its figure text. Made with fontTools by tools/make_font_subset.py."
)
# Name records kept from the source (in English): copyright, trademark, manufacturer, designer,
# vendor and designer URLs, licence and licence URL. The naming records are rewritten.
KEPT_NAME_IDS = (0, 7, 8, 9, 11, 12, 13, 14)


def gb2312_level1() -> str:
    """The 3,755 level-1 hanzi of GB2312 (rows 16-55), in GB2312 order."""
    chars = []
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            if row == 0xD7 and cell > 0xF9:  # row 55 ends at D7F9
                break
            chars.append(bytes([row, cell]).decode("gb2312"))
    return "".join(chars)


def base_characters() -> str:
    """The sets every build takes: printable ASCII, GB2312 level 1, CJK symbols and punctuation,
    full-width forms."""
    ascii_ = "".join(map(chr, range(0x20, 0x7F)))
    cjk_punctuation = "".join(
        chr(c) for c in range(0x3000, 0x3040) if unicodedata.category(chr(c)) != "Cn"
    )
    full_width = "".join(map(chr, range(0xFF01, 0xFF5F)))
    return ascii_ + gb2312_level1() + cjk_punctuation + full_width


def listed_characters(path: Path = CHARACTER_LIST) -> str:
    """The characters of the list file, in order, without comments and blanks."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        out.extend(ch for ch in line if not ch.isspace())
    return "".join(out)


def characters(path: Path = CHARACTER_LIST) -> set[str]:
    """Every character the font must have."""
    return set(base_characters()) | set(listed_characters(path))


def add_characters(text: str, path: Path = CHARACTER_LIST) -> str:
    """Append to the list file the characters of ``text`` that the font does not take yet;
    returns them."""
    have = characters(path)
    new = "".join(dict.fromkeys(ch for ch in text if not ch.isspace() and ch not in have))
    if new:
        body = path.read_text(encoding="utf-8")
        path.write_text(body.rstrip("\n") + "\n" + new + "\n", encoding="utf-8")
    return new


def _open_face(source: Path, face: str):  # -> TTFont
    from fontTools.ttLib import TTCollection, TTFont

    if source.suffix.lower() in (".ttc", ".otc"):
        faces = TTCollection(str(source)).fonts
        names = [f["name"].getDebugName(4) for f in faces]
        if face not in names:
            raise SystemExit(f"make_font_subset: no face {face!r} in {source}; it has {names}")
        number = names.index(face)
        return TTFont(str(source), fontNumber=number, recalcTimestamp=False)
    return TTFont(str(source), recalcTimestamp=False)


def _rename(font, version: str) -> None:
    name = font["name"]
    kept = [
        r
        for r in name.names
        if r.nameID in KEPT_NAME_IDS and r.platformID == 3 and r.langID == 0x409
    ]
    name.names = kept
    records = {
        1: FAMILY,
        2: "Regular",
        3: f"{version};actlab;{POSTSCRIPT}",
        4: FAMILY,
        5: f"Version {version}; subset by actlab",
        6: POSTSCRIPT,
        10: DESCRIPTION.format(version=version),
    }
    for name_id, text in records.items():
        name.setName(text, name_id, 3, 1, 0x409)
    name.names.sort(key=lambda r: (r.platformID, r.platEncID, r.langID, r.nameID))
    if "CFF " in font:
        cff = font["CFF "].cff
        old = cff.fontNames[0]
        cff.fontNames = [POSTSCRIPT]
        top = cff.topDictIndex[0]
        top.FullName = FAMILY
        top.FamilyName = FAMILY
        for fd in getattr(top, "FDArray", []):
            if getattr(fd, "FontName", "").startswith(old):
                fd.FontName = POSTSCRIPT + fd.FontName[len(old) :]


def build(source: Path, face: str, wanted: set[str], output: Path) -> dict[str, object]:
    """Subset ``face`` of ``source`` to ``wanted`` and save it, renamed, at ``output``."""
    from fontTools import subset

    font = _open_face(source, face)
    cmap = font.getBestCmap()
    absent = sorted(ch for ch in wanted if ord(ch) not in cmap)
    if absent:
        shown = " ".join(f"{ch} (U+{ord(ch):04X})" for ch in absent)
        raise SystemExit(f"make_font_subset: {face} has no glyph for {shown}")
    version = font["name"].getDebugName(5).split(";")[0].removeprefix("Version ").strip()
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    # Vertical layout is for vertical text, which matplotlib does not set.
    options.drop_tables += ["VORG", "vhea", "vmtx"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(map(ord, wanted)))
    subsetter.subset(font)
    _rename(font, version)
    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(output))
    return {"version": version, "characters": len(wanted), "bytes": output.stat().st_size}


def font_characters(path: Path = OUTPUT) -> set[str]:
    """The characters the committed font maps to a glyph."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return {chr(c) for c in font.getBestCmap()}


def check(path: Path = OUTPUT) -> list[str]:
    """The listed characters that the committed font lacks, as readable lines.

    The font may map a few more characters than the list: fontTools keeps the code points of the
    glyphs that the layout features of the listed ones reach (``⊃`` as the mirror of ``⊂``).
    """
    missing = characters() - font_characters(path)
    return [f"not in the font, rebuild it: {''.join(sorted(missing))}"] if missing else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="%(default)s")
    parser.add_argument("--face", default=SOURCE_FACE, help="face of a collection (%(default)s)")
    parser.add_argument(
        "--add", metavar="TEXT", help="add the characters of TEXT to the list first"
    )
    parser.add_argument("--check", action="store_true", help="only compare the font with the list")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="%(default)s")
    args = parser.parse_args(argv)
    if args.check:
        problems = check(args.output)
        for line in problems:
            print(f"make_font_subset: {line}")
        return 1 if problems else 0
    if args.add:
        new = add_characters(args.add)
        print(f"make_font_subset: added {new or 'nothing (all there already)'} to the list")
    if not args.source.is_file():
        raise SystemExit(
            f"make_font_subset: no source font at {args.source}; get Debian's fonts-noto-cjk "
            "(apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb DIR) and pass "
            "--source DIR/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
        )
    info = build(args.source, args.face, characters(), args.output)
    print(
        f"make_font_subset: {args.output.relative_to(REPO) if args.output.is_relative_to(REPO) else args.output}: "
        f"{info['characters']} characters of {args.face} {info['version']}, "
        f"{info['bytes'] / 2**20:.2f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Refresh the English catalog from the sources: `python scripts/translations.py` (keeps existing msgstr)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "webui" / "translations" / "en" / "LC_MESSAGES" / "messages.po"

if __name__ == "__main__":
    pot = ROOT / "build" / "messages.pot"
    pot.parent.mkdir(exist_ok=True)
    babel = [str(Path(sys.executable).with_name("pybabel"))]
    subprocess.run(babel + ["extract", "-F", "babel.cfg", "-o", str(pot), "."], cwd=ROOT, check=True)
    subprocess.run(babel + ["update", "-i", str(pot), "-d", "webui/translations", "--no-fuzzy-matching",
                            "--omit-header"], cwd=ROOT, check=True)
    untranslated = PO.read_text(encoding="utf-8").count('msgstr ""\n\n')
    print(f"{PO.relative_to(ROOT)}: {untranslated} message(s) still to translate")

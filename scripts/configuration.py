"""Write docs/configuration.md, the reference of every setting, from the table in webui/config.py.

Run `.venv/bin/python scripts/configuration.py` after changing a setting; tests/webui/test_configuration.py fails
when the committed reference no longer matches the table.
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "configuration.md"

if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    from webui.config import reference
    TARGET.write_text(reference(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")

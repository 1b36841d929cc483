"""``python -m webui.cli``: the `powerflow` command (the demo server starts its timer worker this way)."""
from webui.cli import main

main()

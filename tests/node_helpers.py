"""Node running the browser bundles scripts/install builds with esbuild (node_modules/.powerflow/<name>.js).

Used by tests/browser/test_teller_js.py and tests/browser/test_ballot_js.py: a bundle is (re)built with the install command
when it is missing or older than its source or the module every bundle imports (webui/static/curve_src.js),
then node runs a script beside a copy of it, the calls as JSON on stdin and the answers as JSON on stdout.
Both also read the start tags of the HTML their widget renders (start_tags), to check its DOM contract.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import ROOT

NODE = shutil.which("node") or "/usr/bin/node"
STATIC = ROOT / "webui" / "static"
SHARED = (STATIC / "curve_src.js",)  # imported by every *_src.js and bundled into each


def esbuild_command(name: str) -> list[str]:
    """The esbuild line of scripts/install that builds node_modules/.powerflow/<name>.js from <name>_src.js."""
    return ["npx", "esbuild", f"webui/static/{name}_src.js", "--bundle", "--minify", "--format=esm",
            f"--outfile=node_modules/.powerflow/{name}.js", "--log-level=warning"]


def built_bundle(name: str) -> Path:
    """The bundle scripts/install builds, (re)built here with the same esbuild command when needed."""
    if not Path(NODE).exists():
        pytest.skip("node is not installed (scripts/install installs it)")
    bundle = ROOT / "node_modules" / ".powerflow" / f"{name}.js"
    sources = (STATIC / f"{name}_src.js", *SHARED)
    if not bundle.exists() or bundle.stat().st_mtime < max(source.stat().st_mtime for source in sources):
        subprocess.run(esbuild_command(name), cwd=ROOT, check=True, timeout=120)
    assert bundle.stat().st_size > 1000
    return bundle


LOOP = """
let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const call of JSON.parse(input)) {
  try { out.push(answer(call)); } catch (error) { out.push({ error: error.message }); }
}
process.stdout.write(JSON.stringify(out));
"""


def node_fixtures(name: str, answer: str, runner: str):
    """A test module's fixtures: `bundle`, built_bundle(name), and one named `runner`, a function run(*calls).

    run sends the calls (JSON) to one node process running the module script `answer`, which imports from
    './<name>.mjs' and defines answer(call), and returns a list: per call what answer returned for it, or
    {"error": message} when it threw."""

    @pytest.fixture(scope="module", name="bundle")
    def bundle_fixture() -> Path:
        return built_bundle(name)

    @pytest.fixture(scope="module", name=runner)
    def runner_fixture(bundle: Path, tmp_path_factory) -> Callable[..., list]:
        folder = tmp_path_factory.mktemp(f"{name}-node")
        shutil.copy(bundle, folder / f"{name}.mjs")  # .mjs: an ES module whatever package.json says
        (folder / "run.mjs").write_text(answer + LOOP)

        def run(*calls) -> list:
            done = subprocess.run([NODE, str(folder / "run.mjs")], input=json.dumps(list(calls)),
                                  capture_output=True, text=True, timeout=120, check=False)
            assert done.returncode == 0, done.stderr
            return json.loads(done.stdout)
        return run

    return bundle_fixture, runner_fixture


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def start_tags(html: str) -> list[tuple[str, dict]]:
    """The start tags of `html` in order, each as (tag, {attribute: value})."""
    parser = _Tags()
    parser.feed(html)
    return parser.tags

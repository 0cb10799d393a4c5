"""The missing-component plugin (tests/components.py) in a pytest run of its own: on a
bare machine a test needing Java is skipped with one loud line naming Java and its
install command and the run exits 0; under CI=true (or CHATREC_REQUIRE_ALL=1) the same
test fails; any other skip fails everywhere."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import components

ROOT = Path(__file__).resolve().parents[1]
NEEDS_JAVA = """
import pytest

@pytest.mark.needs("java")
def test_needs_java():
    assert False, "must not run without Java"

def test_plain():
    assert 1 + 1 == 2
"""


def run(tmp_path: Path, source: str, **env: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_sample.py").write_text(source)
    clean = {k: v for k, v in os.environ.items()
             if k not in ("CI", "CHATREC_REQUIRE_ALL", "CHATREC_HIDE_COMPONENTS",
                          "PYTEST_ADDOPTS")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
         "tests.components", "--rootdir", str(tmp_path), str(tmp_path / "test_sample.py")],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120)


def test_a_missing_component_skips_loudly_and_the_run_passes(tmp_path):
    r = run(tmp_path, NEEDS_JAVA, CHATREC_HIDE_COMPONENTS="java")
    assert r.returncode == 0, r.stdout + r.stderr
    last = r.stdout.strip().splitlines()
    assert "1 passed, 1 skipped" in last[-1]
    banner = [line for line in last if line.startswith("SKIPPED 1 test: Java 17")]
    assert banner and "apt-get install -y openjdk-17-jre-headless" in banner[0], r.stdout


@pytest.mark.parametrize("flag", [{"CI": "true"}, {"CHATREC_REQUIRE_ALL": "1"}])
def test_under_ci_a_missing_component_fails(tmp_path, flag):
    r = run(tmp_path, NEEDS_JAVA, CHATREC_HIDE_COMPONENTS="java", **flag)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "1 passed, 1 error" in r.stdout.strip().splitlines()[-1]
    assert "missing component" in r.stdout and "openjdk-17-jre-headless" in r.stdout


def test_any_other_skip_is_a_failure(tmp_path):
    r = run(tmp_path, "import pytest\n\ndef test_lazy():\n    pytest.skip('not today')\n")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "tests may not skip" in r.stdout and "not today" in r.stdout


def test_an_unknown_component_name_is_an_error(tmp_path):
    r = run(tmp_path, "import pytest\n\n@pytest.mark.needs('cobol')\ndef test_x():\n"
                      "    pass\n")
    assert r.returncode == 1 and "unknown component 'cobol'" in r.stdout, r.stdout


def test_every_component_says_what_it_is_for_and_how_to_install_it():
    for c in components.COMPONENTS.values():
        assert c.purpose and ("apt-get install -y " in c.install or "pip install" in c.install)
    # the fixtures that start a component name only known components
    assert {k for keys in components.FIXTURES.values() for k in keys} <= set(components.COMPONENTS)

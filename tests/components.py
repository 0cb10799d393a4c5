"""The system components some tests need, and what happens when one is missing.

A few tests drive things that pip does not install: headless Chromium (the web page),
Java 17 (the Spark engine) and the PostgreSQL server binaries (the PostgreSQL session
store), plus the `spark` and `postgres` extras when only `.[test]` was installed. A test
needs a component through a fixture (`browser`, `spark`, `pg_cluster`, see FIXTURES) or
an explicit `@pytest.mark.needs("java")`.

* On a contributor's machine a missing component SKIPS its tests, and the end of the run
  says so loudly: one line per component, naming it, what it is for, how many tests it
  kept from running, and the command that installs it. The run still exits 0.
* Under CI=true or CHATREC_REQUIRE_ALL=1 a missing component FAILS its tests instead, so
  CI (which installs every component, .ci/run) runs all of them.
* No other test may skip: any other skip is turned into a failure, so a skip can never
  hide a broken test.

CHATREC_HIDE_COMPONENTS=java,postgres,chromium (`all`: those three; the extras can be
named too: pyspark, psycopg) makes the plugin treat those components as missing: how
tests/test_components.py and a person simulate a bare machine (PATH alone cannot hide
Debian's /usr/lib/postgresql/*/bin).
"""
from __future__ import annotations

import functools
import os
import pwd
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

SKIP_TAG = "[missing component]"   # starts every reason this plugin skips with
TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Component:
    key: str
    name: str
    purpose: str
    install: str
    problem: Callable[[], str | None]   # None when present, else what is missing


def _java_problem() -> str | None:
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home and (Path(home) / "bin" / "java").is_file() \
        else shutil.which("java")
    if java is None:
        return "no `java` on PATH and no JAVA_HOME"
    try:   # PySpark 4 needs Java 17 or newer; an older Java is as good as none
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"{java} -version failed: {e}"
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return f"{java} -version printed no version"
    major = int(m.group(2)) if m.group(1) == "1" else int(m.group(1))   # "1.8" is Java 8
    return None if major >= 17 else f"{java} is Java {major}; Spark needs 17 or newer"


def _postgres_problem() -> str | None:
    from tests.pgcluster import PgUnavailable, find_bindir
    try:
        find_bindir()
    except PgUnavailable:
        return "no initdb/pg_ctl on PATH, in $PG_BINDIR or in /usr/lib/postgresql/*/bin"
    if os.geteuid() == 0:   # the server refuses root: it runs as the `postgres` user
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` system user to run it as"
    return None


def _chromium_problem() -> str | None:
    from tests.chatrec.cdp import CHROMIUM_NAMES, find_chromium
    return None if find_chromium() else f"none of {', '.join(CHROMIUM_NAMES)} on PATH"


def _module_problem(module: str) -> Callable[[], str | None]:
    def problem() -> str | None:
        import importlib.util
        return None if importlib.util.find_spec(module) else f"Python module {module} missing"
    return problem


COMPONENTS = {c.key: c for c in (
    Component("chromium", "Chromium", "headless browser for the web page tests",
              "apt-get install -y chromium", _chromium_problem),
    Component("java", "Java 17", "runs Spark for the `train --engine spark` tests",
              "apt-get install -y openjdk-17-jre-headless", _java_problem),
    Component("postgres", "PostgreSQL server", "initdb/pg_ctl for the PostgreSQL "
              "session store tests", "apt-get install -y postgresql", _postgres_problem),
    Component("pyspark", "the spark extra", "PySpark for the Spark engine tests",
              "pip install -e '.[test,spark]'", _module_problem("pyspark")),
    Component("psycopg", "the postgres extra", "psycopg for the PostgreSQL store tests",
              "pip install -e '.[test,postgres]'", _module_problem("psycopg_pool")),
)}

SYSTEM = ("chromium", "java", "postgres")   # what pip cannot install; `all` hides these
# fixture -> the components it needs
FIXTURES = {"browser": ("chromium",), "spark": ("pyspark", "java"),
            "pg_cluster": ("psycopg", "postgres")}


def required() -> bool:
    """CI=true or CHATREC_REQUIRE_ALL=1: a missing component fails instead of skipping."""
    return (os.environ.get("CI", "").lower() in TRUE
            or os.environ.get("CHATREC_REQUIRE_ALL", "").lower() in TRUE)


def _hidden() -> set[str]:
    words = {w.strip() for w in os.environ.get("CHATREC_HIDE_COMPONENTS", "").split(",")}
    return (words | set(SYSTEM) if "all" in words else words) & set(COMPONENTS)


@functools.cache
def missing(key: str) -> str | None:
    """Why component `key` is unusable here, or None (checked once per run)."""
    if key in _hidden():
        return "hidden by CHATREC_HIDE_COMPONENTS"
    return COMPONENTS[key].problem()


def needs_of(item) -> list[str]:
    keys: list[str] = []
    for fixture, comps in FIXTURES.items():
        if fixture in getattr(item, "fixturenames", ()):
            keys += comps
    for mark in item.iter_markers("needs"):
        keys += mark.args
    return list(dict.fromkeys(keys))


def one_line(key: str) -> str:
    c = COMPONENTS[key]
    return f"{c.name} ({c.purpose}): {missing(key)}; install it with: {c.install}"


# ------------------------------------------------------------------ pytest hooks
_skipped: dict[str, int] = {}


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "needs(*components): the test needs system "
                            f"components ({', '.join(COMPONENTS)}); tests/components.py")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item) -> None:
    """Before a test's fixtures run: skip it (or fail it under CI) when a component it
    needs is missing."""
    keys = needs_of(item)
    unknown = [k for k in keys if k not in COMPONENTS]
    if unknown:
        pytest.fail(f"unknown component {unknown[0]!r} in needs(); known: "
                    f"{', '.join(COMPONENTS)}", pytrace=False)
    absent = [k for k in keys if missing(k)]
    if not absent:
        return
    lines = " | ".join(one_line(k) for k in absent)
    if required():
        pytest.fail(f"missing component (CI=true / CHATREC_REQUIRE_ALL=1 make it required): "
                    f"{lines}", pytrace=False)
    for key in absent:   # each missing one is counted, so the summary names all of them
        _skipped[key] = _skipped.get(key, 0) + 1
    pytest.skip(f"{SKIP_TAG} {lines}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A skip that is not ours is a failure: no test may pass by skipping."""
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if SKIP_TAG not in reason or required():
            report.outcome = "failed"
            report.longrepr = (f"tests may not skip (only a missing system component may, "
                               f"tests/components.py): {reason}")
    return report


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter):
    """Outermost, so the missing components are said after pytest's own summary."""
    result = yield
    if _skipped:
        tr = terminalreporter
        tr.write_sep("=", "MISSING SYSTEM COMPONENTS: these tests were skipped, not run",
                     yellow=True, bold=True)
        for key, n in _skipped.items():
            tr.write_line(f"SKIPPED {n} test{'s' * (n != 1)}: {one_line(key)}", yellow=True,
                          bold=True)
        tr.write_line("(CI=true or CHATREC_REQUIRE_ALL=1 turn these skips into failures; "
                      ".ci/run installs every component)")
    return result

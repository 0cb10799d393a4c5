"""Starting (or joining) the SparkSession of `chatrec train --engine spark`, with one-line
errors when pyspark or Java is missing."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from chatrec.errors import EngineError, MissingExtra

#: defaults for a local run: no web UI, no progress bars, few shuffle partitions
LOCAL_DEFAULTS = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.driver.memory": "4g",
}


def spark_session(master: str, conf: dict[str, str], checkpoints: Path):
    """(SparkSession, Spark version). An existing session in this process is reused
    (tests share one); a new one gets LOCAL_DEFAULTS under `conf`."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise MissingExtra("--engine spark needs pyspark: pip install 'chatrec[spark]' "
                          "(and Java 17)") from None
    active = SparkSession.getActiveSession()
    if active is None:
        builder = SparkSession.builder.master(master).appName("chatrec-train")
        for key, value in {**LOCAL_DEFAULTS, **conf}.items():
            builder = builder.config(key, value)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        try:
            active = builder.getOrCreate()
        except Exception as e:  # noqa: BLE001 - py4j/JVM start failures have many types
            hint = " (Java 17 is needed: apt-get install -y openjdk-17-jre-headless)" \
                if "JAVA" in str(e).upper() else ""
            raise EngineError(f"Spark could not start on {master}{hint}: {first_line(e)}") \
                from None
        active.sparkContext.setLogLevel("ERROR")
    checkpoints.mkdir(parents=True, exist_ok=True)
    active.sparkContext.setCheckpointDir(str(checkpoints))  # ALS cuts long lineages
    return active, active.version


def first_line(exc: BaseException) -> str:
    """The first line of an error (JVM errors bring a Java stack trace after it)."""
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__

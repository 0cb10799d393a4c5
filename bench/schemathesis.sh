#!/usr/bin/env bash
# Property-based API testing of a real `chatrec serve` with schemathesis.
#
#   bench/schemathesis.sh                      # default checks, 100 examples/operation
#   CHECKS=all MAX_EXAMPLES=300 bench/schemathesis.sh
#
# schemathesis is a bench-only tool, kept out of the project's dependencies: by default
# it is installed into a throwaway venv ($BENCH_VENV, default /tmp/benchenv2) that sees
# the system site-packages (where chatrec's own dependencies live).
# The server runs on 127.0.0.1 on a free port, on the datasets and artifacts of the
# current $CHATREC_HOME but with a scratch sessions database.
# Passing = no 5xx, no response that violates the OpenAPI schema (status codes,
# content types, bodies), invalid input rejected with a 4xx.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${BENCH_VENV:-/tmp/benchenv2}"
CHECKS="${CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection,use_after_free}"
MAX_EXAMPLES="${MAX_EXAMPLES:-100}"
SEED="${SEED:-20240501}"
REPORT_DIR="${REPORT_DIR:-/tmp/chatrec-schemathesis}"

if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv --system-site-packages "$VENV"
  "$VENV/bin/pip" install -q schemathesis
fi

# A scratch data home sharing the real datasets and artifacts: the sessions the fuzzer
# creates go to its own database, not the user's.
REAL_HOME="$(python3 -c 'from chatrec.data.home import data_home; print(data_home())')"
SCRATCH="$(mktemp -d)"
mkdir -p "$REAL_HOME/datasets" "$REAL_HOME/artifacts"
ln -s "$REAL_HOME/datasets" "$SCRATCH/datasets"
ln -s "$REAL_HOME/artifacts" "$SCRATCH/artifacts"

PORT="${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
LOG="$(mktemp)"
CHATREC_HOME="$SCRATCH" python3 -m chatrec.cli.main serve --host 127.0.0.1 --port "$PORT" --workers 1 >"$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; rm -rf "$SCRATCH"' EXIT

for _ in $(seq 1 600); do  # up to 2 min (a cold data home trains first)
  if curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then cat "$LOG"; exit 1; fi
  sleep 0.2
done

status=0
"$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/openapi.json" \
  --checks "$CHECKS" --max-examples "$MAX_EXAMPLES" --seed "$SEED" \
  --workers 2 --request-timeout 10 --no-color \
  --report junit,ndjson --report-dir "$REPORT_DIR" || status=$?

# The server must still be healthy after the fuzzing, and must not have logged tracebacks.
curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null || { echo "server unhealthy after run"; status=1; }
if grep -q "Traceback" "$LOG"; then
  echo "server logged tracebacks:"; grep -A 30 -m 3 "Traceback" "$LOG"; status=1
fi
echo "schemathesis exit status: $status (reports in $REPORT_DIR)"
exit "$status"

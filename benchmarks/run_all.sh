#!/usr/bin/env bash
# Run every benchmark in turn (one at a time: the machine has 2 cores) and keep
# the logs in benchmarks/results/. Needs ../shared/data. Takes 20–40 minutes.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
OUT=benchmarks/results
mkdir -p "$OUT"
stamp=$(date -u +%Y-%m-%dT%H:%MZ)
run() {
    name=$1; shift
    echo "== $name ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT/summary.log"
    "$PY" "$@" > "$OUT/$name.log" 2>&1
    echo "   exit $? ($(date -u +%H:%M:%S))" | tee -a "$OUT/summary.log"
}
echo "# benchmarks $stamp $(uname -m) $(nproc) cores" > "$OUT/summary.log"
run ingest    benchmarks/bench_ingest.py
run segment   benchmarks/bench_segment.py --limit-mb 0 --pos-mb 1.5 --store-mb 6 --par-mb 3
run sighan    benchmarks/bench_sighan.py
run figures   benchmarks/bench_figures.py
run entities  benchmarks/bench_entities.py --docs 1000
run crf       benchmarks/bench_crf.py --docs 2000
run pipeline  benchmarks/bench_pipeline.py
run topics    benchmarks/bench_topics.py
run report    benchmarks/bench_report.py

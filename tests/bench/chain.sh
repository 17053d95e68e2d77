#!/usr/bin/env bash
# Prints figures for the whole chain on the simulated API server with the fixture charts: the wall time of
# a first run and of a second run on the converged cluster, the requests each made (and how many wrote),
# and the simulator's memory at its peak. Extra arguments go to both runs.
# Usage: tests/bench/chain.sh [pipeline arguments]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[ -x "$root/tools/bin/kubectl" ] || { echo "tools/bin is missing: run ./build.sh --target=InstallTools first" >&2; exit 1; }
dotnet build "$root/tests/ClusterSimulator" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
scratch="$(mktemp -d)"
cleanup() { [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null || true; rm -rf "$scratch"; }
trap cleanup EXIT

dotnet "$root/tests/ClusterSimulator/bin/Release/net10.0/ClusterSimulator.dll" \
  --kubeconfig "$scratch/kubeconfig" --request-log "$scratch/requests.jsonl" >"$scratch/out" 2>&1 &
pid=$!
until grep -q ready "$scratch/out" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { cat "$scratch/out" >&2; exit 1; }
  sleep 0.05
done

"$root/build.sh" --tree >/dev/null   # build the pipeline outside the timed runs
touch "$scratch/requests.jsonl"
run() {
  local label=$1 before after start end
  shift
  before=$(wc -l <"$scratch/requests.jsonl")
  start=$(date +%s.%N)
  "$root/build.sh" --kubeconfig="$scratch/kubeconfig" --chart-dir="$root/tests/charts" "$@" >"$scratch/run.log" 2>&1 \
    || { cat "$scratch/run.log" >&2; exit 1; }
  end=$(date +%s.%N)
  after=$(wc -l <"$scratch/requests.jsonl")
  writes=$(tail -n +"$((before + 1))" "$scratch/requests.jsonl" | grep -E '"verb":"(POST|PUT|PATCH|DELETE)"' | grep -vc 'dryRun=All' || true)
  jobs=$(tail -n +"$((before + 1))" "$scratch/requests.jsonl" | grep -E '"verb":"(POST|PUT|PATCH|DELETE)"' | grep -c '/jobs' || true)
  printf '%-7s %6.1f s  %5d requests, %3d writes (%d of them probe Jobs)\n' "$label" "$(echo "$end - $start" | bc)" "$((after - before))" "$writes" "$jobs"
}
run first "$@"
run second "$@"
awk '$1 == "VmHWM:" { printf "simulator peak memory: %.1f MB\n", $2 / 1024 }' "/proc/$pid/status"

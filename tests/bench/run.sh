#!/usr/bin/env bash
# Benchmark of how the pipeline talks to the cluster, on the simulated API server with the fixture charts.
# Prints the median of three of each: a first run on a new cluster (with its proofs, and with proofs=off,
# which does exactly the installs), a re-run with --proofs=on-change on the converged cluster, --plan on it,
# and tests/bench/plain.sh (the same installs as plain helm and kubectl commands, on a new cluster); for each
# the wall time, the API requests, the mutating ones (server-side dry runs included) and, apart, the writes of
# the run's Lease (one run at a time), then the ratios and the simulator's peak memory.
# Request counts do not drift with machine load; times do, so compare them on a quiet machine.
# Usage: tests/bench/run.sh [rounds, default 3]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds="${1:-3}"
[ -x "$root/tools/bin/kubectl" ] || { echo "tools/bin is missing: run ./build.sh --target=InstallTools first" >&2; exit 1; }
dotnet build "$root/tests/ClusterSimulator" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
"$root/build.sh" --tree >/dev/null   # build the pipeline outside the timed runs
scratch="$(mktemp -d)"
pid=""
stop() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; pid=""; }
trap 'stop; rm -rf "$scratch"' EXIT

start_cluster() {
  stop
  rm -f "$scratch/requests.jsonl" "$scratch/out"
  dotnet "$root/tests/ClusterSimulator/bin/Release/net10.0/ClusterSimulator.dll" \
    --kubeconfig "$scratch/kubeconfig" --request-log "$scratch/requests.jsonl" >"$scratch/out" 2>&1 &
  pid=$!
  until grep -q ready "$scratch/out" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$scratch/out" >&2; exit 1; }
    sleep 0.05
  done
  touch "$scratch/requests.jsonl"
}

# measure LABEL COMMAND...: appends "LABEL SECONDS REQUESTS MUTATING" to $scratch/figures
measure() {
  local label=$1 before start end after
  shift
  before=$(wc -l <"$scratch/requests.jsonl")
  start=$(date +%s.%N)
  "$@" >"$scratch/run.log" 2>&1 || { cat "$scratch/run.log" >&2; echo "run.sh: $label failed" >&2; exit 1; }
  end=$(date +%s.%N)
  after=$(wc -l <"$scratch/requests.jsonl")
  mutating=$(tail -n +"$((before + 1))" "$scratch/requests.jsonl" | grep -E '"verb":"(POST|PUT|PATCH|DELETE)"' | grep -vc '/leases' || true)
  lease=$(tail -n +"$((before + 1))" "$scratch/requests.jsonl" | grep -E '"verb":"(POST|PUT|PATCH|DELETE)"' | grep -c '/leases' || true)
  echo "$label $(echo "$end - $start" | bc) $((after - before)) $mutating $lease" >>"$scratch/figures"
}

pipeline() { "$root/build.sh" --kubeconfig="$scratch/kubeconfig" --chart-dir="$root/tests/charts" "$@"; }

: >"$scratch/figures"
for _ in $(seq 1 "$rounds"); do
  start_cluster
  measure first pipeline
  measure rerun pipeline --proofs=on-change
  measure plan pipeline --plan --detailed-exitcode
  awk '$1 == "VmHWM:" { print $2 }' "/proc/$pid/status" >>"$scratch/memory"
  start_cluster
  measure first-installs pipeline --proofs=off
  start_cluster
  measure plain "$root/tests/bench/plain.sh" "$scratch/kubeconfig" "$root/tests/charts"
done
stop

median() { grep "^$1 " "$scratch/figures" | awk -v column="$2" '{ print $column }' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%-34s %8s %9s %9s %6s\n' "median of $rounds" "wall" "requests" "mutating" "lease"
for label in first first-installs rerun plan plain; do
  case $label in
    first) name="first run (proofs=always)" ;;
    first-installs) name="first run (proofs=off)" ;;
    rerun) name="re-run, --proofs=on-change" ;;
    plan) name="--plan on the converged cluster" ;;
    plain) name="plain helm + kubectl (plain.sh)" ;;
  esac
  printf '%-34s %7.2fs %9d %9d %6d\n' "$name" "$(median "$label" 2)" "$(median "$label" 3)" "$(median "$label" 4)" "$(median "$label" 5)"
done
echo "simulator peak memory over a first run, a re-run and a plan: $(sort -n "$scratch/memory" | tail -1 | awk '{ printf "%.1f MB", $1 / 1024 }')"
ratio() { echo "scale=2; $(median "$1" 2) / $(median "$2" 2)" | bc; }
echo "re-run / first run:                 $(ratio rerun first)   (target at most 0.15)"
echo "plan / re-run:                      $(ratio plan rerun)   (target at most 1.0)"
echo "first run (proofs=off) / plain:     $(ratio first-installs plain)   (target at most 1.0)"
echo "first run (proofs=always) / plain:  $(ratio first plain)"

#!/usr/bin/env bash
# Prints how long the simulated API server takes from process start to its "ready" line, N times
# (default 5): the entry point is what a rehearsal or a person starts.
# Usage: tests/bench/simulator-startup.sh [N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-5}"
dotnet build "$root/tests/ClusterSimulator" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
dll="$root/tests/ClusterSimulator/bin/Release/net10.0/ClusterSimulator.dll"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

for i in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  dotnet "$dll" --kubeconfig "$scratch/kubeconfig" >"$scratch/out" 2>&1 &
  pid=$!
  until grep -q ready "$scratch/out" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$scratch/out" >&2; exit 1; }
    sleep 0.01
  done
  ready=$(date +%s%N)
  kill -TERM "$pid"; wait "$pid" || true
  printf 'run %d: ready after %d ms\n' "$i" $(( (ready - start) / 1000000 ))
done

#!/usr/bin/env bash
# Rehearses the pipeline without a cluster: starts the simulated Kubernetes API server, runs ./build.sh
# against it with the fixture charts, stops it, and exits with the pipeline's exit code.
#   tests/rehearse.sh --target=InstallIstio [more pipeline arguments]
# The simulator is test infrastructure: it answers the Kubernetes API and simulates controllers and the
# mesh's observable behaviour, but runs no containers. SIMULATOR_LOG=PATH keeps its request log.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="$(mktemp -d)"
simulator_pid=""
cleanup() {
  if [[ -n "$simulator_pid" ]] && kill -0 "$simulator_pid" 2>/dev/null; then
    kill -TERM "$simulator_pid" 2>/dev/null || true
    wait "$simulator_pid" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT INT TERM

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! build_log="$(dotnet build "$root/tests/ClusterSimulator" -c Release -nologo -v quiet -clp:ErrorsOnly 2>&1)"; then
  printf '%s\n' "$build_log" >&2
  echo "rehearse.sh: building the simulator failed (see above)." >&2
  exit 1
fi

simulator_args=(--kubeconfig "$scratch/kubeconfig")
if [[ -n "${SIMULATOR_LOG:-}" ]]; then
  simulator_args+=(--request-log "$SIMULATOR_LOG")
fi
dotnet "$root/tests/ClusterSimulator/bin/Release/net10.0/ClusterSimulator.dll" "${simulator_args[@]}" >"$scratch/simulator.out" 2>&1 &
simulator_pid=$!

for _ in $(seq 1 200); do
  grep -q ready "$scratch/simulator.out" 2>/dev/null && break
  if ! kill -0 "$simulator_pid" 2>/dev/null; then
    cat "$scratch/simulator.out" >&2
    echo "rehearse.sh: the simulator stopped before it was ready." >&2
    exit 1
  fi
  sleep 0.05
done
grep -q ready "$scratch/simulator.out" || { echo "rehearse.sh: the simulator was not ready within 10 s." >&2; exit 1; }
echo "rehearse.sh: $(grep ready "$scratch/simulator.out")"

set +e
"$root/build.sh" --kubeconfig="$scratch/kubeconfig" --chart-dir="$root/tests/charts" "$@"
code=$?
set -e
exit "$code"

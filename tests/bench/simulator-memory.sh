#!/usr/bin/env bash
# Prints the simulated API server's memory (resident set now and at its peak, from /proc) after a
# scenario shaped like a pipeline run: 15 Deployments of 2 replicas and 10 Services (one LoadBalancer)
# in 5 namespaces, rolled out with kubectl rollout status while kubectl watches deployments, pods and
# services, then a template change to every Deployment.
# Usage: tests/bench/simulator-memory.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
kubectl="$root/tools/bin/kubectl"
[ -x "$kubectl" ] || { echo "$kubectl is missing: run ./build.sh --target=InstallTools first" >&2; exit 1; }
dotnet build "$root/tests/ClusterSimulator" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
dll="$root/tests/ClusterSimulator/bin/Release/net10.0/ClusterSimulator.dll"
scratch="$(mktemp -d)"
watchers=()
cleanup() {
  for w in "${watchers[@]}"; do kill "$w" 2>/dev/null || true; done
  [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

dotnet "$dll" --kubeconfig "$scratch/kubeconfig" >"$scratch/out" 2>&1 &
pid=$!
until grep -q ready "$scratch/out" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { cat "$scratch/out" >&2; exit 1; }
  sleep 0.05
done
k() { "$kubectl" --kubeconfig "$scratch/kubeconfig" "$@"; }
rss() { awk -v f="$1" '$1 == f":" { printf "%.1f MB", $2 / 1024 }' "/proc/$pid/status"; }
echo "after start: $(rss VmRSS)"

for kind in deployments pods services endpointslices; do
  k get "$kind" -A -w -o name >/dev/null 2>&1 &
  watchers+=($!)
done

deploy() { # namespace name image
  cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $2, namespace: $1}
spec:
  replicas: 2
  selector: {matchLabels: {app: $2}}
  template:
    metadata: {labels: {app: $2}}
    spec: {containers: [{name: app, image: $3, ports: [{name: http, containerPort: 8080}]}]}
YAML
}

for n in 1 2 3 4 5; do
  k create namespace "bench-$n" >/dev/null
  for d in 1 2 3; do
    deploy "bench-$n" "app-$d" "nginx:1.27" > "$scratch/d.yaml"
    k apply -f "$scratch/d.yaml" >/dev/null
  done
  for s in 1 2; do
    type=ClusterIP; [ "$n$s" = 11 ] && type=LoadBalancer
    k apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: app-$s, namespace: bench-$n}
spec: {type: $type, selector: {app: app-$s}, ports: [{name: http, port: 80, targetPort: http}]}
YAML
  done
done
for n in 1 2 3 4 5; do
  for d in 1 2 3; do k rollout status -n "bench-$n" "deployment/app-$d" --timeout=30s >/dev/null; done
done
echo "after 15 Deployments and 10 Services rolled out: $(rss VmRSS)"

for n in 1 2 3 4 5; do
  for d in 1 2 3; do
    deploy "bench-$n" "app-$d" "nginx:1.28" > "$scratch/d.yaml"
    k apply -f "$scratch/d.yaml" >/dev/null
  done
done
for n in 1 2 3 4 5; do
  for d in 1 2 3; do k rollout status -n "bench-$n" "deployment/app-$d" --timeout=30s >/dev/null; done
done
echo "after a template change to each: $(rss VmRSS) (peak $(rss VmHWM), $(k get pods -A -o name | wc -l) pods)"

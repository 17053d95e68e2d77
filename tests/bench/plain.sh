#!/usr/bin/env bash
# The baseline for tests/bench/run.sh: the same installs as the pipeline's first run, done the way a person
# would without this project, with helm and kubectl commands in sequence and a self-signed certificate from
# openssl. No proofs, no checks beyond kubectl's own waits.
# Usage: tests/bench/plain.sh KUBECONFIG CHART_DIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export KUBECONFIG="$1"
charts="$2"
helm="$root/tools/bin/helm"
kubectl="$root/tools/bin/kubectl"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

install() { "$helm" upgrade --install "$1" "$charts/$2" -n "$3" --create-namespace --server-side=true "${@:4}" >/dev/null; }

install istio-base base istio-system --set defaultRevision=default
"$kubectl" wait --for=condition=Established crd -l app.kubernetes.io/part-of=istio --timeout=300s >/dev/null
install istiod istiod istio-system --set meshConfig.accessLogFile=/dev/stdout --set meshConfig.enableTracing=true
"$kubectl" rollout status deployment/istiod -n istio-system --timeout=300s >/dev/null
"$kubectl" create namespace istio-ingress --dry-run=client -o yaml | "$kubectl" apply --server-side -f - >/dev/null
install istio-ingressgateway gateway istio-ingress
"$kubectl" rollout status deployment/istio-ingressgateway -n istio-ingress --timeout=300s >/dev/null
# The dashboards take our values files (as a person would keep them), with the namespace written in.
for release_chart in prometheus:prometheus grafana:grafana kiali:kiali-server jaeger:jaeger; do
  release="${release_chart%%:*}"
  sed 's/${istio-namespace}/istio-system/g' "$root/manifests/values/$release.yaml" >"$scratch/$release.yaml"
  install "$release" "${release_chart##*:}" istio-system -f "$scratch/$release.yaml"
done
"$kubectl" wait --for=condition=Available deployment --all -n istio-system --timeout=300s >/dev/null

address=""
until [ -n "$address" ]; do
  address=$("$kubectl" get service istio-ingressgateway -n istio-ingress -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
  [ -n "$address" ] || sleep 1
done
host="mailhog.$address.sslip.io"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 -subj "/CN=$host" \
  -addext "subjectAltName=DNS:$host" -keyout "$scratch/tls.key" -out "$scratch/tls.crt" 2>/dev/null
"$kubectl" create secret tls mesh-gateway-tls -n istio-ingress --cert="$scratch/tls.crt" --key="$scratch/tls.key" \
  --dry-run=client -o yaml | "$kubectl" apply --server-side -f - >/dev/null

"$kubectl" apply --server-side -f - >/dev/null <<EOF
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: mesh-gateway, namespace: istio-ingress}
spec:
  selector: {istio: ingressgateway}
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: ["$host"]
      tls: {httpsRedirect: true}
    - port: {number: 443, name: https, protocol: HTTPS}
      hosts: ["$host"]
      tls: {mode: SIMPLE, credentialName: mesh-gateway-tls}
---
apiVersion: v1
kind: Namespace
metadata: {name: mailhog, labels: {istio-injection: enabled}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: mailhog, namespace: mailhog, labels: {app: mailhog}}
spec:
  replicas: 1
  selector: {matchLabels: {app: mailhog}}
  template:
    metadata: {labels: {app: mailhog, version: v1.0.1}}
    spec:
      containers:
        - name: mailhog
          image: mailhog/mailhog:v1.0.1
          ports: [{name: smtp, containerPort: 1025}, {name: http, containerPort: 8025}]
---
apiVersion: v1
kind: Service
metadata: {name: mailhog, namespace: mailhog}
spec:
  selector: {app: mailhog}
  ports: [{name: tcp-smtp, port: 1025}, {name: http, port: 8025}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: mailhog, namespace: mailhog}
spec:
  hosts: ["$host"]
  gateways: [istio-ingress/mesh-gateway]
  http: [{route: [{destination: {host: mailhog.mailhog.svc.cluster.local, port: {number: 8025}}}]}]
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: STRICT}}
EOF
"$kubectl" rollout status deployment/mailhog -n mailhog --timeout=300s >/dev/null

{{/* Like Istio's chart: resources take the release name; the istio label is the name without its istio- prefix. */}}
{{- define "gateway.name" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end }}
{{- define "gateway.selectorLabels" -}}
app: {{ include "gateway.name" . }}
istio: {{ include "gateway.name" . | trimPrefix "istio-" }}
{{- end }}

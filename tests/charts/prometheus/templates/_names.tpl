{{/* Like the chart: the server is RELEASE-server (RELEASE-prometheus-server when the release name lacks
"prometheus") unless server.fullnameOverride names it. */}}
{{- define "prometheus.server.fullname" -}}
{{- if .Values.server.fullnameOverride -}}
{{- .Values.server.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- printf "%s-%s" .Release.Name .Values.server.name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s-%s" .Release.Name .Chart.Name .Values.server.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end }}
{{- define "prometheus.server.selectorLabels" -}}
app.kubernetes.io/component: {{ .Values.server.name }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

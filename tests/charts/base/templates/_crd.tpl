{{/* Labels every Istio CRD carries; the pipeline waits on app.kubernetes.io/part-of=istio. */}}
{{- define "base.crdLabels" -}}
app.kubernetes.io/part-of: istio
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

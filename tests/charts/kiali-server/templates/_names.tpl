{{/* Like the chart: every resource takes deployment.instance_name, whatever the release is called. */}}
{{- define "kiali-server.fullname" -}}
{{- .Values.deployment.instance_name | trunc 63 -}}
{{- end }}
{{- define "kiali-server.selectorLabels" -}}
app.kubernetes.io/name: kiali
app.kubernetes.io/instance: {{ include "kiali-server.fullname" . }}
{{- end }}
{{/* The UI and its health endpoint live under /kiali on Kubernetes unless server.web_root says otherwise. */}}
{{- define "kiali-server.webRoot" -}}
{{- .Values.server.web_root | default "/kiali" | trimSuffix "/" -}}
{{- end }}

{{/* Istio suffixes revisioned resources with -<revision>; revision-less ones carry no suffix. */}}
{{- define "istiod.suffix" -}}
{{- if .Values.revision }}-{{ .Values.revision }}{{ end -}}
{{- end }}
{{- define "istiod.rev" -}}
{{- .Values.revision | default "default" -}}
{{- end }}

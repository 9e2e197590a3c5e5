{{- define "monitoring.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
{{- end }}

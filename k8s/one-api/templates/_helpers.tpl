{{/* Chart name. */}}
{{- define "one-api.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped name, at most 63 characters. */}}
{{- define "one-api.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "one-api.selectorLabels" -}}
app.kubernetes.io/name: {{ include "one-api.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "one-api.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "one-api.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: one-api
{{- end }}

{{/* Labels of one component: (dict "root" $ "component" "api") */}}
{{- define "one-api.componentLabels" -}}
{{ include "one-api.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "one-api.componentSelector" -}}
{{ include "one-api.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "one-api.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "one-api.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "one-api.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* "true" when no external database is configured: SQLite on the data volume. */}}
{{- define "one-api.sqlite" -}}
{{- if and (not .Values.database.dsn) (not .Values.database.existingSecret) }}true{{ end }}
{{- end }}

{{- define "one-api.dataClaim" -}}
{{- default (printf "%s-data" (include "one-api.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{/* Settings that would produce a broken deployment fail the render with a reason. */}}
{{- define "one-api.validate" -}}
{{- if include "one-api.sqlite" . }}
{{- if or (gt (int .Values.api.replicaCount) 1) .Values.api.autoscaling.enabled }}
{{- fail "SQLite (no database.dsn / database.existingSecret) supports one API replica only: set an external PostgreSQL or MySQL to scale" }}
{{- end }}
{{- if .Values.worker.enabled }}
{{- fail "worker.enabled needs an external database (database.dsn or database.existingSecret): it cannot share the API's SQLite volume" }}
{{- end }}
{{- end }}
{{- if and .Values.worker.enabled (not .Values.redis.url) (not .Values.redis.existingSecret) }}
{{- fail "worker.enabled needs Redis (redis.url or redis.existingSecret): the API hands jobs to the worker through its queue" }}
{{- end }}
{{- if lt (int .Values.api.terminationGracePeriodSeconds) 20 }}
{{- fail "api.terminationGracePeriodSeconds must be at least 20 seconds" }}
{{- end }}
{{- if and .Values.database.dsn .Values.database.existingSecret }}
{{- fail "set database.dsn or database.existingSecret, not both" }}
{{- end }}
{{- if and .Values.redis.url .Values.redis.existingSecret }}
{{- fail "set redis.url or redis.existingSecret, not both" }}
{{- end }}
{{- if .Values.api.pdb.enabled }}
{{- $min := ternary .Values.api.autoscaling.minReplicas .Values.api.replicaCount .Values.api.autoscaling.enabled }}
{{- if ge (int .Values.api.pdb.minAvailable) (int $min) }}
{{- fail (printf "api.pdb.minAvailable (%v) must be below the API's minimum replica count (%v), or no node could ever be drained" .Values.api.pdb.minAvailable $min) }}
{{- end }}
{{- end }}
{{- end }}

{{/* Environment shared by the API and the worker: ConfigMap, Secrets, and secret references. */}}
{{- define "one-api.envFrom" -}}
- configMapRef:
    name: {{ include "one-api.fullname" . }}
- secretRef:
    name: {{ include "one-api.fullname" . }}
{{- if .Values.existingSecret }}
- secretRef:
    name: {{ .Values.existingSecret }}
{{- end }}
{{- end }}

{{- define "one-api.secretEnv" -}}
{{- if .Values.database.existingSecret }}
- name: SQL_DSN
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.existingSecret }}
      key: {{ .Values.database.existingSecretKey }}
{{- end }}
{{- if .Values.redis.existingSecret }}
- name: REDIS_CONN_STRING
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.existingSecret }}
      key: {{ .Values.redis.existingSecretKey }}
{{- end }}
{{- end }}

{{/* The data volume: the SQLite claim, or an empty directory when the database is external. */}}
{{- define "one-api.volumes" -}}
- name: tmp
  emptyDir: {}
- name: data
{{- if and (include "one-api.sqlite" .) .Values.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ include "one-api.dataClaim" . }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- end }}

{{- define "one-api.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /data
{{- end }}

{{- define "one-api.httpProbe" -}}
httpGet:
  path: {{ .probe.path }}
  port: http
{{- with .probe.periodSeconds }}
periodSeconds: {{ . }}
{{- end }}
{{- with .probe.timeoutSeconds }}
timeoutSeconds: {{ . }}
{{- end }}
{{- with .probe.failureThreshold }}
failureThreshold: {{ . }}
{{- end }}
{{- end }}

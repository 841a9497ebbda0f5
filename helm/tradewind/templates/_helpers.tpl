{{/* Chart name, possibly overridden. */}}
{{- define "tradewind.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-scoped prefix of every object: the release name when it contains the chart name. */}}
{{- define "tradewind.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Labels of every object; with (dict "root" $ "component" "<service>") for a service's objects. */}}
{{- define "tradewind.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service | quote }}
app.kubernetes.io/part-of: tradewind
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
{{ include "tradewind.selectorLabels" . }}
{{- end -}}

{{- define "tradewind.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tradewind.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name | quote }}
app.kubernetes.io/component: {{ .component | quote }}
{{- end -}}

{{- define "tradewind.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "tradewind.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "tradewind.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Name of the partner catalog ConfigMap. */}}
{{- define "tradewind.partnerCatalogName" -}}
{{- if .Values.partnerCatalog.existingConfigMap -}}
{{- .Values.partnerCatalog.existingConfigMap -}}
{{- else -}}
{{- printf "%s-partner-catalog" (include "tradewind.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Every service's secret environment: the database URL, then Kafka and registry credentials. */}}
{{- define "tradewind.platformSecretEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "database.existingSecret is required" .Values.database.existingSecret | quote }}
      key: {{ .Values.database.urlKey | quote }}
{{ include "tradewind.kafkaRegistrySecretEnv" . }}
{{- end -}}

{{/* Kafka SASL and registry credentials by reference (every service and the schemas job). */}}
{{- define "tradewind.kafkaRegistrySecretEnv" -}}
{{- if .Values.kafka.sasl.mechanism }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ required "kafka.sasl.existingSecret is required with a SASL mechanism" .Values.kafka.sasl.existingSecret | quote }}
      key: {{ .Values.kafka.sasl.usernameKey | quote }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.sasl.existingSecret | quote }}
      key: {{ .Values.kafka.sasl.passwordKey | quote }}
{{- end }}
{{- if .Values.schemaRegistry.existingSecret }}
- name: SCHEMA_REGISTRY_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .Values.schemaRegistry.existingSecret | quote }}
      key: {{ .Values.schemaRegistry.usernameKey | quote }}
- name: SCHEMA_REGISTRY_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.schemaRegistry.existingSecret | quote }}
      key: {{ .Values.schemaRegistry.passwordKey | quote }}
{{- end }}
{{- end -}}

{{/* Spread a service's pods over zones and nodes: values.topologySpread with the service's selector. */}}
{{- define "tradewind.topologySpread" -}}
{{- range .root.Values.topologySpread }}
- maxSkew: {{ .maxSkew }}
  topologyKey: {{ .topologyKey | quote }}
  whenUnsatisfiable: {{ .whenUnsatisfiable }}
  labelSelector:
    matchLabels:
      {{- include "tradewind.selectorLabels" $ | nindent 6 }}
{{- end }}
{{- end -}}

{{/*
Helpers shared by every template. Each workload template ranges over `.Values.workloads`, skips the
disabled ones and merges `.Values.defaults` under each workload's own settings:
  {{- $w := mergeOverwrite (deepCopy $.Values.defaults) (deepCopy $values) }}
(maps merge key by key; the workload's lists, scalars, false and empty values win).
*/}}

{{/* Chart name, overridable. */}}
{{- define "payments.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every object name: the release name, with the chart name unless it already has it. */}}
{{- define "payments.fullname" -}}
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

{{/* chart label value */}}
{{- define "payments.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "payments.labels" -}}
helm.sh/chart: {{ include "payments.chart" . }}
app.kubernetes.io/name: {{ include "payments.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: payments
payments.platform/environment: {{ .Values.environment }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels selecting every pod of the release (the default-deny policy's selector). */}}
{{- define "payments.releaseSelectorLabels" -}}
app.kubernetes.io/name: {{ include "payments.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Selector labels of one workload. Call with (dict "root" $ "name" $name). */}}
{{- define "payments.selectorLabels" -}}
{{ include "payments.releaseSelectorLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* Labels of one workload's objects. Call with (dict "root" $ "name" $name). */}}
{{- define "payments.workloadLabels" -}}
{{ include "payments.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* Name of one workload's objects: <fullname>-<workload>. Call with (dict "root" $ "name" $name). */}}
{{- define "payments.workloadFullname" -}}
{{- printf "%s-%s" (include "payments.fullname" .root) .name | trunc 55 | trimSuffix "-" -}}
{{- end -}}

{{- define "payments.stableService" -}}
{{- printf "%s-stable" (include "payments.workloadFullname" .) -}}
{{- end -}}

{{- define "payments.canaryService" -}}
{{- printf "%s-canary" (include "payments.workloadFullname" .) -}}
{{- end -}}

{{/* Kubernetes Secret the workload's ExternalSecret writes and its pods read. */}}
{{- define "payments.secretName" -}}
{{- printf "%s-env" (include "payments.workloadFullname" .) -}}
{{- end -}}

{{/* The store every ExternalSecret reads through: the namespaced SecretStore when set, else the ClusterSecretStore. */}}
{{- define "payments.secretStoreRef" -}}
{{- if .Values.externalSecrets.secretStore -}}
kind: SecretStore
name: {{ .Values.externalSecrets.secretStore }}
{{- else -}}
kind: ClusterSecretStore
name: {{ .Values.externalSecrets.clusterSecretStore }}
{{- end -}}
{{- end -}}

{{/* Path of a workload's secret in AWS Secrets Manager. Call with (dict "root" $ "name" $name). */}}
{{- define "payments.secretKey" -}}
{{- printf "%s/payments/%s" .root.Values.environment .name -}}
{{- end -}}

{{/* Effective minimum replica count of a merged workload: the HPA's floor, or `replicas`. */}}
{{- define "payments.minReplicas" -}}
{{- if .hpa.enabled -}}{{ int .hpa.minReplicas }}{{- else -}}{{ int .replicas }}{{- end -}}
{{- end -}}

{{/* Image reference: <registry>/<repository>@<digest> or :<tag> (tag defaults to appVersion). */}}
{{- define "payments.image" -}}
{{- $root := .root -}}
{{- $repo := .image.repository -}}
{{- if $root.Values.image.registry -}}
{{- $repo = printf "%s/%s" (trimSuffix "/" $root.Values.image.registry) $repo -}}
{{- end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $repo .image.digest -}}
{{- else -}}
{{- $tag := default $root.Chart.AppVersion .image.tag | toString -}}
{{- if eq (lower $tag) "latest" -}}
{{- fail (printf "workloads.%s.image: the tag 'latest' is mutable; pin an immutable tag or a digest" .name) -}}
{{- end -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}
{{- end -}}

{{/* Smoke-test image reference, under image.registry like the workloads' (a mirror in the management ECR). */}}
{{- define "payments.smokeTestImage" -}}
{{- $img := .Values.analysis.smokeTest.image -}}
{{- $repo := $img.repository -}}
{{- if .Values.image.registry -}}
{{- $repo = printf "%s/%s" (trimSuffix "/" .Values.image.registry) $repo -}}
{{- end -}}
{{- if $img.digest -}}
{{- printf "%s@%s" $repo $img.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo ($img.tag | toString) -}}
{{- end -}}
{{- end -}}

{{/* Pod-level security context (restricted Pod Security Standard). Call with a merged workload. */}}
{{- define "payments.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .securityContext.runAsUser }}
runAsGroup: {{ .securityContext.runAsGroup }}
fsGroup: {{ .securityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container-level security context (restricted Pod Security Standard). */}}
{{- define "payments.containerSecurityContext" -}}
runAsNonRoot: true
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Names of the analysis templates the release renders. */}}
{{- define "payments.sloTemplateName" -}}
{{- printf "%s-dd-slo" (include "payments.fullname" .) -}}
{{- end -}}

{{- define "payments.smokeTemplateName" -}}
{{- printf "%s-smoke-test" (include "payments.fullname" .) -}}
{{- end -}}

{{/* The URL variable a workload gets for a peer it may call, e.g. PAYMENTS_API_URL. */}}
{{- define "payments.peerUrlVar" -}}
{{- printf "%s_URL" (. | upper | replace "-" "_") -}}
{{- end -}}

{{/* Analysis templates (names from analysis.templates) a workload's canary runs. Call with (dict "root" $ "values" $workloadValues); returns a comma-separated list. */}}
{{- define "payments.analysisTemplatesOf" -}}
{{- $templates := .root.Values.analysis.templates -}}
{{- if hasKey .values "analysisTemplates" -}}
{{- $templates = .values.analysisTemplates -}}
{{- end -}}
{{- join "," $templates -}}
{{- end -}}

{{/* Whether any enabled workload runs the given analysis template. Call with (dict "root" $ "template" "smoke-test"). */}}
{{- define "payments.analysisTemplateUsed" -}}
{{- $used := false -}}
{{- range $name, $values := .root.Values.workloads -}}
{{- if $values.enabled -}}
{{- if has $.template (splitList "," (include "payments.analysisTemplatesOf" (dict "root" $.root "values" $values))) -}}
{{- $used = true -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $used -}}true{{- end -}}
{{- end -}}

{{/* Service account of a workload. Call with (dict "root" $ "name" $name "w" $mergedWorkload). */}}
{{- define "payments.serviceAccountName" -}}
{{- .w.serviceAccount.name | default (include "payments.workloadFullname" .) -}}
{{- end -}}

{{/* Names and labels. */}}
{{- define "fipkeeper.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fipkeeper.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "fipkeeper.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fipkeeper.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "fipkeeper.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "fipkeeper.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: floating-ip-agent
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "fipkeeper.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "fipkeeper.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "fipkeeper.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "fipkeeper.tokenSecretName" -}}
{{- if .Values.hcloud.existingSecret -}}
{{- .Values.hcloud.existingSecret -}}
{{- else -}}
{{- printf "%s-hcloud" (include "fipkeeper.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "fipkeeper.tokenSecretKey" -}}
{{- if .Values.hcloud.existingSecret -}}
{{- .Values.hcloud.existingSecretKey -}}
{{- else -}}
token
{{- end -}}
{{- end -}}

{{/* Paths inside the container; the config file refers to them. */}}
{{- define "fipkeeper.tokenDir" -}}/var/run/secrets/fipkeeper{{- end -}}
{{- define "fipkeeper.etcdDir" -}}/var/run/secrets/etcd{{- end -}}
{{- define "fipkeeper.clusterCaDir" -}}/var/run/secrets/kube-root-ca{{- end -}}

{{/*
Second line of defence behind values.schema.json (which `--skip-schema-validation` turns off):
one plain message per rule.
*/}}
{{- define "fipkeeper.validate" -}}
{{- $fip := .Values.floatingIp | default dict -}}
{{- $refs := 0 -}}
{{- range $k := list "id" "name" "selector" -}}
{{- if hasKey $fip $k -}}{{- $refs = add1 $refs -}}{{- end -}}
{{- end -}}
{{- if ne (int $refs) 1 -}}
{{- fail "floatingIp: set exactly one of floatingIp.id, floatingIp.name, floatingIp.selector" -}}
{{- end -}}
{{- if and .Values.hcloud.token .Values.hcloud.existingSecret -}}
{{- fail "hcloud: set hcloud.token or hcloud.existingSecret, not both" -}}
{{- end -}}
{{- if not (or .Values.hcloud.token .Values.hcloud.existingSecret) -}}
{{- fail "hcloud: set hcloud.token or hcloud.existingSecret (a Secret with the Hetzner API token)" -}}
{{- end -}}
{{- if not (has (.Values.mode | default "active") (list "active" "observe")) -}}
{{- fail (printf "mode: must be active or observe, got %q" (toString .Values.mode)) -}}
{{- end -}}
{{- if and .Values.monitoring.serviceMonitor.enabled .Values.monitoring.podMonitor.enabled -}}
{{- fail "monitoring: enable serviceMonitor or podMonitor, not both (every agent would be scraped twice)" -}}
{{- end -}}
{{- end -}}

{{/* The agent's config.yaml; keys follow docs/configuration.md. */}}
{{- define "fipkeeper.config" -}}
{{- $v := .Values -}}
{{- $cfg := dict -}}
{{- $_ := set $cfg "mode" ($v.mode | default "active") -}}
{{- $_ := set $cfg "floatingIp" (pick ($v.floatingIp | default dict) "id" "name" "selector") -}}
{{- if $v.floatingIpV6 -}}
{{- $_ := set $cfg "floatingIpV6" (pick $v.floatingIpV6 "id" "name" "selector") -}}
{{- end -}}
{{- $_ := set $cfg "hcloud" (dict
      "endpoint" $v.hcloud.endpoint
      "tokenFile" (printf "%s/token" (include "fipkeeper.tokenDir" .))
      "metadataUrl" $v.hcloud.metadataUrl
      "serverId" (toString $v.hcloud.serverId)
      "requestTimeout" $v.hcloud.requestTimeout
      "actionTimeout" $v.hcloud.actionTimeout
      "actionPollInterval" $v.hcloud.actionPollInterval
      "verifyInterval" $v.hcloud.verifyInterval) -}}
{{- $etcd := dict
      "endpoints" $v.etcd.endpoints
      "prefix" $v.etcd.prefix
      "leaseTtl" (printf "%ds" (int $v.etcd.leaseTtl))
      "dialTimeout" $v.etcd.dialTimeout -}}
{{- if $v.etcd.existingSecret -}}
{{- $dir := include "fipkeeper.etcdDir" . -}}
{{- $_ := set $etcd "caFile" (printf "%s/ca.crt" $dir) -}}
{{- $_ := set $etcd "certFile" (printf "%s/tls.crt" $dir) -}}
{{- $_ := set $etcd "keyFile" (printf "%s/tls.key" $dir) -}}
{{- end -}}
{{- $_ := set $cfg "etcd" $etcd -}}
{{- $_ := set $cfg "interface" $v.interface -}}
{{- $_ := set $cfg "binder" $v.binder -}}
{{- $api := dict
      "enabled" $v.apiserver.enabled
      "url" $v.apiserver.url
      "interval" $v.apiserver.interval
      "timeout" $v.apiserver.timeout
      "failureThreshold" $v.apiserver.failureThreshold
      "successThreshold" $v.apiserver.successThreshold -}}
{{- if $v.apiserver.verifyWithClusterCa -}}
{{- $_ := set $api "caFile" (printf "%s/ca.crt" (include "fipkeeper.clusterCaDir" .)) -}}
{{- $_ := set $api "insecureSkipVerify" false -}}
{{- else -}}
{{- $_ := set $api "insecureSkipVerify" true -}}
{{- end -}}
{{- $_ := set $cfg "apiserver" $api -}}
{{- $_ := set $cfg "handoverTimeout" $v.handoverTimeout -}}
{{- $_ := set $cfg "http" (dict "listen" (printf "0.0.0.0:%d" (int $v.http.port))) -}}
{{- $_ := set $cfg "log" (dict "format" $v.log.format "level" $v.log.level) -}}
{{- toYaml $cfg -}}
{{- end -}}

#!/usr/bin/env bash
# Installs the tools the tests and the deploy need, each by its own ecosystem's installer and
# pinned here: helm, actionlint and sops into .tools/bin, built from source with
# `go install module@version` (no prebuilt binaries are downloaded); zizmor (the GitHub Actions
# security linter) into the project-local Python venv .tools/venv with pip. Idempotent: a tool
# already present at the pinned version is skipped, so `npm test` pays the install once.
#
#   bash scripts/install-tools.sh          # every tool (what `npm test` runs)
#   bash scripts/install-tools.sh sops     # only the named tools (the deploy needs only sops)
#   bash scripts/install-tools.sh k6       # k6, for the delivery pipeline's load and stage tests (never by default)
set -euo pipefail

# Pinned versions: bump here, nowhere else.
# (The `renovate:` comments tell Renovate where each version comes from: renovate.json.)
HELM_MODULE="helm.sh/helm/v3/cmd/helm"
# renovate: datasource=go depName=helm.sh/helm/v3
HELM_VERSION="v3.19.5"
ACTIONLINT_MODULE="github.com/rhysd/actionlint/cmd/actionlint"
# renovate: datasource=go depName=github.com/rhysd/actionlint
ACTIONLINT_VERSION="v1.7.12"
# SOPS: the program decrypts secrets/<stack>/*.yaml with it at deploy time (src/secrets/).
SOPS_MODULE="github.com/getsops/sops/v3/cmd/sops"
# renovate: datasource=go depName=github.com/getsops/sops/v3
SOPS_VERSION="v3.13.3"
# renovate: datasource=pypi depName=zizmor
ZIZMOR_VERSION="1.32.0"
# k6 v1.4 builds with Go 1.24 (the version the workflows set up).
K6_MODULE="go.k6.io/k6"
# renovate: datasource=go depName=go.k6.io/k6
K6_VERSION="v1.4.2"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.tools/bin"
mkdir -p "$bin"

install_tool() {
  local name="$1" module="$2" version="$3"
  local stamp="$bin/.$name.version"
  if [[ -x "$bin/$name" && -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
    return 0
  fi
  if ! command -v go >/dev/null 2>&1; then
    echo "install-tools: Go is required to build $name (go install); install Go >= 1.24 first" >&2
    exit 1
  fi
  local started=$SECONDS
  echo "install-tools: building $name $version with go install (first run only, takes a few minutes on 2 cores)..."
  GOBIN="$bin" GOFLAGS="-buildvcs=false" go install "$module@$version"
  echo "$version" >"$stamp"
  echo "install-tools: $name $version ready in $((SECONDS - started))s"
}

# zizmor from PyPI into the project's own venv (never the system Python).
install_zizmor() {
  local venv="$root/.tools/venv"
  local stamp="$venv/.zizmor.version"
  if [[ -x "$venv/bin/zizmor" && -f "$stamp" && "$(cat "$stamp")" == "$ZIZMOR_VERSION" ]]; then
    return 0
  fi
  if ! command -v python3 >/dev/null 2>&1; then
    echo "install-tools: Python 3 is required to install zizmor into .tools/venv" >&2
    exit 1
  fi
  local started=$SECONDS
  echo "install-tools: installing zizmor $ZIZMOR_VERSION into .tools/venv with pip..."
  [[ -x "$venv/bin/pip" ]] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "zizmor==$ZIZMOR_VERSION"
  echo "$ZIZMOR_VERSION" >"$stamp"
  echo "install-tools: zizmor $ZIZMOR_VERSION ready in $((SECONDS - started))s"
}

wanted=("$@")
[[ ${#wanted[@]} -eq 0 ]] && wanted=(helm actionlint sops zizmor)
for tool in "${wanted[@]}"; do
  case "$tool" in
    helm) install_tool helm "$HELM_MODULE" "$HELM_VERSION" ;;
    actionlint) install_tool actionlint "$ACTIONLINT_MODULE" "$ACTIONLINT_VERSION" ;;
    sops) install_tool sops "$SOPS_MODULE" "$SOPS_VERSION" ;;
    zizmor) install_zizmor ;;
    k6) install_tool k6 "$K6_MODULE" "$K6_VERSION" ;;
    *) echo "install-tools: unknown tool \"$tool\" (expected helm, actionlint, sops, zizmor or k6)" >&2; exit 2 ;;
  esac
done

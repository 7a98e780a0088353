#!/usr/bin/env bash
# Installs the Go-only tools the tests need into .tools/bin, built from source with
# `go install module@version` (no prebuilt binaries are downloaded). Idempotent: a tool
# already present at the pinned version is skipped, so `npm test` pays the build once.
# Usage: bash scripts/install-tools.sh [tool...]; no argument installs what the tests need (helm,
# actionlint); `k6` (the delivery pipeline's load and stage tests) is installed only when named.
set -euo pipefail

# Pinned versions: bump here, nowhere else.
HELM_MODULE="helm.sh/helm/v3/cmd/helm"
HELM_VERSION="v3.19.5"
ACTIONLINT_MODULE="github.com/rhysd/actionlint/cmd/actionlint"
ACTIONLINT_VERSION="v1.7.12"
# k6 v1.4 builds with Go 1.24 (the version the workflows set up).
K6_MODULE="go.k6.io/k6"
K6_VERSION="v1.4.2"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.tools/bin"
mkdir -p "$bin"

if ! command -v go >/dev/null 2>&1; then
  echo "install-tools: Go is required to build helm and actionlint (go install); install Go >= 1.24 first" >&2
  exit 1
fi

install_tool() {
  local name="$1" module="$2" version="$3"
  local stamp="$bin/.$name.version"
  if [[ -x "$bin/$name" && -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
    return 0
  fi
  local started=$SECONDS
  echo "install-tools: building $name $version with go install (first run only, takes a few minutes on 2 cores)..."
  GOBIN="$bin" GOFLAGS="-buildvcs=false" go install "$module@$version"
  echo "$version" >"$stamp"
  echo "install-tools: $name $version ready in $((SECONDS - started))s"
}

tools=("$@")
[[ ${#tools[@]} -gt 0 ]] || tools=(helm actionlint)
for tool in "${tools[@]}"; do
  case "$tool" in
    helm) install_tool helm "$HELM_MODULE" "$HELM_VERSION" ;;
    actionlint) install_tool actionlint "$ACTIONLINT_MODULE" "$ACTIONLINT_VERSION" ;;
    k6) install_tool k6 "$K6_MODULE" "$K6_VERSION" ;;
    *)
      echo "install-tools: unknown tool \"$tool\" (helm, actionlint, k6)" >&2
      exit 2
      ;;
  esac
done

#!/usr/bin/env bash
# The repository's commands, each runnable on a fresh Debian machine by itself:
#   ./build.sh test [dotnet test options]   the whole suite (what .ci/run runs)
#   ./build.sh demo [--Key=Value ...]       the demo on the embedded default (no broker, no database)
#   ./build.sh chaos [small|full]           the chaos suite (default full): SIGKILLed workers and broker restarts on
#                                           both ledgers, one line of figures per scenario (docs/reliability.md);
#                                           `test` runs its small scale with the rest of the suite
#
# `test` first provides what the suite needs:
#   - RabbitMQ and PostgreSQL: when a Docker engine answers, the test fixtures start their own containers
#     (Testcontainers); otherwise, unless WACHT_TEST_RABBITMQ / WACHT_TEST_RABBITMQ_MANAGEMENT / WACHT_TEST_POSTGRES
#     already name servers, .ci/services installs (Debian packages) and starts local ones and exports those variables;
#   - kubectl (the Kubernetes manifests are rendered offline with `kubectl kustomize`): Debian's kubernetes-client
#     when no kubectl is on the PATH.
# Installing needs root (or sudo).
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

log() { printf '=== %s ===\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "build.sh: '$*' needs root (or sudo)" >&2; return 1
  fi
}

docker_answers() {
  command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1
}

provide_services() {
  if docker_answers; then
    log "a Docker engine answers: the fixtures start RabbitMQ and PostgreSQL containers (Testcontainers)"
    return
  fi

  if [ -n "${WACHT_TEST_RABBITMQ:-}" ] && [ -n "${WACHT_TEST_RABBITMQ_MANAGEMENT:-}" ] && [ -n "${WACHT_TEST_POSTGRES:-}" ]; then
    log "using the servers named by WACHT_TEST_RABBITMQ and WACHT_TEST_POSTGRES"
    return
  fi

  log "no Docker engine: installing (when missing) and starting RabbitMQ and PostgreSQL (.ci/services)"
  eval "$(as_root bash .ci/services)"
  echo "WACHT_TEST_RABBITMQ=$WACHT_TEST_RABBITMQ" >&2
  echo "WACHT_TEST_POSTGRES=$WACHT_TEST_POSTGRES" >&2
}

provide_kubectl() {
  if command -v kubectl >/dev/null 2>&1; then
    return
  fi

  log "installing kubectl (Debian's kubernetes-client) to render deploy/k8s offline"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubernetes-client >&2
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  test)
    provide_services
    provide_kubectl
    log "dotnet test Wacht.Worker.sln"
    exec dotnet test Wacht.Worker.sln "$@"
    ;;
  chaos)
    provide_services
    scale=${1:-full}
    rm -f artifacts/chaos/figures.txt
    log "chaos suite, $scale scale (its own RabbitMQ node: .ci/chaos-broker)"
    status=0
    WACHT_CHAOS_SCALE=$scale dotnet test tests/Wacht.Worker.IntegrationTests --filter "Category=Chaos" || status=$?
    log "figures"
    cat artifacts/chaos/figures.txt 2>/dev/null || echo "no figures were written" >&2
    exit $status
    ;;
  demo)
    exec dotnet run --project src/Wacht.Worker -- demo "$@"
    ;;
  *)
    echo "usage: ./build.sh test [dotnet test options] | ./build.sh demo [--Key=Value ...] | ./build.sh chaos [small|full]" >&2
    exit 2
    ;;
esac

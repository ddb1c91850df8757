#!/usr/bin/env bash
# The repository's commands, each runnable on a fresh Debian machine by itself:
#   ./build.sh test [dotnet test options]   the whole suite (what .ci/run runs)
#   ./build.sh demo [--Key=Value ...]       the demo on the embedded default (no broker, no database)
#   ./build.sh chaos [small|full]           the chaos suite (default full): SIGKILLed workers and broker restarts on
#                                           both ledgers, one line of figures per scenario (docs/reliability.md);
#                                           `test` runs its small scale with the rest of the suite
#
# `test` runs the whole suite so that both ways the integration fixtures find their servers stay tested:
#   1. the tests that need no server (every project but tests/Wacht.Worker.IntegrationTests);
#   2. tests/Wacht.Worker.IntegrationTests on containers (Testcontainers) with WACHT_TEST_CONTAINERS=required (a
#      container that cannot start fails the test instead of falling back), building and running
#      deploy/worker/Dockerfile, deploy/emulator/Dockerfile and docker-compose.yml too: on the Docker engine that answers
#      (DOCKER_HOST or /var/run/docker.sock), else on one `.ci/containers up` starts (Debian's docker.io on a socket of
#      its own, local images built once and reused), which `.ci/containers down` stops, by its pid, when this step ends;
#   3. a smaller set (ENVIRONMENT_SET: both fixtures) with containers off, on the servers named by WACHT_TEST_RABBITMQ,
#      WACHT_TEST_RABBITMQ_MANAGEMENT and WACHT_TEST_POSTGRES (.ci/services installs and starts local ones when unset).
# WACHT_TEST_CONTAINERS=off: the whole suite on those servers instead (a machine where no engine can run).
# Extra arguments (e.g. --filter) make it one run, `dotnet test Wacht.Worker.sln ARGS`, on containers as in step 2.
# Installing and the engine need root (or sudo); kubectl (Debian's kubernetes-client, to render deploy/k8s offline) is
# installed when missing.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

INTEGRATION=tests/Wacht.Worker.IntegrationTests/Wacht.Worker.IntegrationTests.csproj
# Step 3: the PostgreSQL ledger (PostgresDatabase) and the commands end to end over RabbitMQ (RabbitMqBroker).
# And the chaos suite at small scale: its broker-restart scenarios restart a RabbitMQ node of their own
# (.ci/chaos-broker, Debian's rabbitmq-server, which .ci/services installs), so they run here, not on containers.
ENVIRONMENT_SET='FullyQualifiedName~Wacht.Worker.IntegrationTests.Ledger.Sql.PostgresLedgerTests|FullyQualifiedName~Wacht.Worker.IntegrationTests.CommandsOverRabbitMqTests|Category=Chaos'

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
  if [ -n "${WACHT_TEST_RABBITMQ:-}" ] && [ -n "${WACHT_TEST_RABBITMQ_MANAGEMENT:-}" ] && [ -n "${WACHT_TEST_POSTGRES:-}" ]; then
    log "using the servers named by WACHT_TEST_RABBITMQ and WACHT_TEST_POSTGRES"
    return
  fi

  log "installing (when missing) and starting RabbitMQ and PostgreSQL (.ci/services)"
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

ENGINE_STARTED=""
stop_engine() {
  if [ -n "$ENGINE_STARTED" ]; then
    ENGINE_STARTED=""
    as_root bash .ci/containers down || true
    unset DOCKER_HOST DOCKER_API_VERSION TESTCONTAINERS_RYUK_DISABLED TESTCONTAINERS_HOST_OVERRIDE
  fi
}

# `dotnet test ARGS` on containers: on the engine that answers, else on one started for it and stopped after it.
dotnet_test_on_containers() {
  local started env_file rc=0
  started=$(date +%s)
  if docker_answers; then
    log "a Docker engine answers: the fixtures start their RabbitMQ and PostgreSQL containers on it (Testcontainers)"
  else
    log "no Docker engine answers: starting one (.ci/containers up)"
    env_file=$(mktemp)
    trap stop_engine EXIT
    as_root bash .ci/containers up >"$env_file" || { rm -f "$env_file"; return 1; }
    if grep -q '^# the engine was started by this call' "$env_file"; then ENGINE_STARTED=yes; fi
    eval "$(grep -v '^#' "$env_file")"
    rm -f "$env_file"
  fi
  log "dotnet test $* (WACHT_TEST_CONTAINERS=required)"
  WACHT_TEST_CONTAINERS=required dotnet test "$@" || rc=$?
  stop_engine
  log "the part on containers took $(( $(date +%s) - started )) s"
  return "$rc"
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  test)
    provide_kubectl
    if [ "${WACHT_TEST_CONTAINERS:-}" = off ]; then
      provide_services
      log "dotnet test Wacht.Worker.sln on the servers named by WACHT_TEST_* (WACHT_TEST_CONTAINERS=off)"
      exec dotnet test Wacht.Worker.sln "$@"
    fi
    if [ $# -gt 0 ]; then
      rc=0
      dotnet_test_on_containers Wacht.Worker.sln "$@" || rc=$?
      exit "$rc"
    fi

    rc=0
    log "dotnet test Wacht.Worker.sln: every project but the worker's integration tests"
    WACHT_TEST_CONTAINERS=off dotnet test Wacht.Worker.sln --filter 'FullyQualifiedName!~Wacht.Worker.IntegrationTests.' || rc=$?
    # Built by the run above: the engine's time goes to the tests alone.
    dotnet_test_on_containers "$INTEGRATION" --no-build --filter 'Category!=Chaos' || rc=$?
    provide_services
    log "dotnet test: the worker's integration tests, a smaller set on the servers named by WACHT_TEST_* (containers off)"
    WACHT_TEST_CONTAINERS=off dotnet test "$INTEGRATION" --no-build --filter "$ENVIRONMENT_SET" || rc=$?
    exit "$rc"
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

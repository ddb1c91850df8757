#!/bin/sh
# Writes the broker's configuration from the environment, as the official image's users expect, then starts it.
set -eu

if [ "${1:-}" = rabbitmq-server ]; then
  user=${RABBITMQ_DEFAULT_USER:-guest}
  pass=${RABBITMQ_DEFAULT_PASS:-guest}
  vhost=${RABBITMQ_DEFAULT_VHOST:-/}
  for value in "$user" "$pass" "$vhost"; do
    case "$value" in
      *'
'*) echo "docker-entrypoint.sh: RABBITMQ_DEFAULT_USER, _PASS and _VHOST must be single-line values" >&2; exit 1 ;;
    esac
  done
  cat > /etc/rabbitmq/rabbitmq.conf <<CONF
# Written by docker-entrypoint.sh from RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS / RABBITMQ_DEFAULT_VHOST.
loopback_users = none
listeners.tcp.default = 5672
management.tcp.port = 15672
default_user = $user
default_pass = $pass
default_vhost = $vhost
default_user_tags.administrator = true
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
log.console = true
log.console.level = info
CONF
fi

exec "$@"

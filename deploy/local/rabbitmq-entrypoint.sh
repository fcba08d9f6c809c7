#!/bin/bash
# Starts RabbitMQ in the foreground as the user rabbitmq, with the default user of
# RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS (created on the first start of an empty data
# volume, as the official image does), reachable from other containers (no loopback-only users).
set -euo pipefail

conf=/etc/rabbitmq/conf.d/10-compose.conf
mkdir -p /etc/rabbitmq/conf.d
{
  echo "loopback_users = none"
  echo "listeners.tcp.default = 5672"
  if [ -n "${RABBITMQ_DEFAULT_USER:-}" ]; then
    echo "default_user = ${RABBITMQ_DEFAULT_USER}"
    echo "default_pass = ${RABBITMQ_DEFAULT_PASS:?RABBITMQ_DEFAULT_PASS must be set with RABBITMQ_DEFAULT_USER}"
  fi
} >"$conf"
chown root:rabbitmq "$conf"
chmod 640 "$conf"

# A fresh named volume is root's: the broker writes its database and cookie there.
chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
exec setpriv --reuid rabbitmq --regid rabbitmq --init-groups /usr/lib/rabbitmq/bin/rabbitmq-server "$@"

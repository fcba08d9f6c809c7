#!/bin/bash
# Starts PostgreSQL in the foreground as the user postgres. On the first start of an empty data
# directory: initdb with the superuser POSTGRES_USER (default postgres) and POSTGRES_PASSWORD,
# the database POSTGRES_DB (default: the user's name), password (scram-sha-256) logins over TCP
# from anywhere and trust on the local socket, as the official image does.
set -euo pipefail

if [ "$(id -u)" = 0 ]; then
  # A fresh named volume is root's.
  mkdir -p "$PGDATA" /run/postgresql
  chown -R postgres:postgres "$PGDATA" /run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid postgres --regid postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  user=${POSTGRES_USER:-postgres}
  db=${POSTGRES_DB:-$user}
  pwfile=$(mktemp)
  trap 'rm -f "$pwfile"' EXIT
  printf '%s\n' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set for a new database}" >"$pwfile"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  if [ "$db" != postgres ]; then
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    createdb -U "$user" "$db"
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  fi
  echo "database cluster initialised: user $user, database $db"
fi
exec postgres -D "$PGDATA" "$@"

#!/usr/bin/env bash
# Starts PostgreSQL, MariaDB and Redis on 127.0.0.1 for the test suite (Debian packages, run as root),
# creates the `app` user/database on each, and prints the URLs the tests read.
set -euo pipefail
# Only the URL lines go to stdout (callers export them); everything else goes to stderr.
# Daemons are started with fd 3 closed: a server that inherited the caller's stdout would keep a `$(...)` capture open
# forever (CI once hung for 90 minutes on exactly that).
exec 3>&1 1>&2

if ! command -v pg_ctlcluster >/dev/null || ! command -v redis-server >/dev/null || ! command -v mariadb >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 postgresql redis-server mariadb-server >/dev/null
fi

pg_version=$(ls /etc/postgresql | sort -n | tail -n 1)
pg_ctlcluster "$pg_version" main start >/dev/null 2>&1 3>&- || true
for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
su postgres -c "psql -q -tc \"SELECT 1 FROM pg_roles WHERE rolname='app'\" | grep -q 1 || psql -q -c \"CREATE USER app WITH PASSWORD 'app' CREATEDB\""
su postgres -c "psql -q -tc \"SELECT 1 FROM pg_database WHERE datname='app'\" | grep -q 1 || psql -q -c 'CREATE DATABASE app OWNER app'"
# Tests drop their per-file databases WITH (FORCE), which must end lingering sessions.
su postgres -c "psql -q -c 'GRANT pg_signal_backend TO app'"

if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no >/dev/null 2>&1 3>&- </dev/null
fi
for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done

if ! mariadb-admin ping >/dev/null 2>&1; then
  (service mariadb start >/dev/null 2>&1 3>&- </dev/null) || true
fi
for _ in $(seq 1 60); do mariadb-admin ping >/dev/null 2>&1 && break; sleep 1; done
# The tests create one database per test file, so `app` needs rights beyond its own schema.
mariadb -uroot -e "CREATE DATABASE IF NOT EXISTS app; CREATE USER IF NOT EXISTS 'app'@'127.0.0.1' IDENTIFIED BY 'app'; GRANT ALL ON *.* TO 'app'@'127.0.0.1'; FLUSH PRIVILEGES;"

{
  echo "TEST_PG_URL=postgres://app:app@127.0.0.1:5432/app"
  echo "TEST_MYSQL_URL=mysql://app:app@127.0.0.1:3306/app"
  echo "TEST_REDIS_URL=redis://127.0.0.1:6379"
} >&3

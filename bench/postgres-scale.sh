#!/usr/bin/env bash
# bench/postgres-scale.sh [SECONDS] [CONNECTIONS] [SERVER]
#
# Do two instances on one PostgreSQL database capture more leads than one? A Release build, on a fresh
# database each run, with ten teams of ten reps and ten rules sending leads by company size to the
# teams (so leads spread over the teams, as the load's sizes run 10..5009); loaded with the ingest
# baseline's measure.sh (wrk, one new lead per request) after WARMUP seconds (default 10):
#   one  one instance, CONNECTIONS connections;
#   two  two instances, CONNECTIONS/2 connections each, measured at once; their req/s summed;
#   pgbench  bench/pgbench-lead.sql (the same writes per lead, one lead per transaction) over
#        CONNECTIONS clients on the first run's database, with no Switchboard running.
# Prints each line, two/one and one/pgbench. Issue 11's target: two ≥ 1.6× one.
# SERVER is a PostgreSQL connection string without a database (default: the local test server of
# .ci/run, Host=127.0.0.1;Port=25433;Username=postgres).
seconds="${1:-10}"
conns="${2:-64}"
server="${3:-Host=127.0.0.1;Port=25433;Username=postgres}"
warmup="${WARMUP:-10}"
command -v psql >/dev/null || { echo "postgres-scale.sh: needs psql (apt-get install postgresql-client)" >&2; exit 1; }
. "$(dirname "${BASH_SOURCE[0]}")/switchboard.sh"

# The server as psql and pgbench take it.
pg_host="$(sed -nE 's/.*Host=([^;]*).*/\1/p' <<<"$server")"
pg_port="$(sed -nE 's/.*Port=([^;]*).*/\1/p' <<<"$server")"; pg_port="${pg_port:-5432}"
pg_user="$(sed -nE 's/.*Username=([^;]*).*/\1/p' <<<"$server")"; pg_user="${pg_user:-postgres}"

psql_server() { # SQL: run against the server's postgres database
  psql -q -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -c "$1" >/dev/null
}

fresh() { # NAME: a new empty database; prints its connection string
  psql_server "DROP DATABASE IF EXISTS $1 WITH (FORCE)"
  psql_server "CREATE DATABASE $1"
  echo "$server;Database=$1"
}

setup() {
  local H="Authorization: Bearer $key" yaml=$'rules:\n'
  for t in $(seq 1 10); do
    curl -fsS -o /dev/null -XPOST "$url/api/teams" -H "$H" -H 'content-type: application/json' -d "{\"id\":\"t$t\",\"name\":\"Team $t\"}"
    for r in $(seq 1 10); do
      curl -fsS -o /dev/null -XPOST "$url/api/reps" -H "$H" -H 'content-type: application/json' \
        -d "{\"id\":\"t$t-r$r\",\"name\":\"Rep $r of $t\",\"teamIds\":[\"t$t\"]}"
    done
    yaml+="  - name: size-$t"$'\n'"    when: company.employees >= $(( (t - 1) * 500 )) and company.employees < $(( t * 500 ))"$'\n'
    yaml+="    assign: { to: { team: t$t }, strategy: round-robin }"$'\n'
  done
  curl -fsS -o /dev/null -XPUT "$url/api/routing/flow" -H "$H" -H 'content-type: application/yaml' --data-binary "$yaml"$'fallback: { pool: unassigned }\n'
}

measure() { # URL SECONDS CONNECTIONS
  WRK_BEARER="$key" "$baseline/measure.sh" "$1" "$2" "$3"
}
rate() { sed -E 's/.*req\/s=([0-9.]+).*/\1/' <<<"$1"; }

start "$(fresh switchboard_bench_one)"
setup
[ "$warmup" -gt 0 ] && measure "$url" "$warmup" "$conns" >/dev/null
one="$(measure "$url" "$seconds" "$conns")"
echo "one $one"
stop

pgbench_line="$(pgbench -n -h "$pg_host" -p "$pg_port" -U "$pg_user" -c "$conns" -j 2 -T "$seconds" -f "$here/pgbench-lead.sql" switchboard_bench_one 2>&1 \
  | sed -nE 's/^tps = ([0-9.]+).*/\1/p')"
echo "pgbench tps=$pgbench_line"

db="$(fresh switchboard_bench_two)"
start "$db"; first="$url"
setup
start "$db"; second="$url"
both() { # SECONDS: both instances at once, each line in $work/a and $work/b ("wait" alone would wait for the services too)
  measure "$first" "$1" $(( conns / 2 )) >"$work/a" & local p=$!
  measure "$second" "$1" $(( conns / 2 )) >"$work/b"
  wait "$p"
}
[ "$warmup" -gt 0 ] && both "$warmup"
both "$seconds"
a="$(cat "$work/a")"; b="$(cat "$work/b")"
echo "two (first)  $a"
echo "two (second) $b"
awk -v one="$(rate "$one")" -v a="$(rate "$a")" -v b="$(rate "$b")" -v pg="${pgbench_line:-0}" \
  'BEGIN { printf "two %.0f req/s, two/one %.3f, one/pgbench %.3f\n", a + b, (one > 0 ? (a + b) / one : 0), (pg > 0 ? one / pg : 0) }'
grep -h -A2 -E "^(fail|warn)" "$work"/server-*.log | grep -v -E "^--$" | sort | uniq -c | sort -rn | head -8 || true
stop

#!/usr/bin/env bash
# bench/ingest-scale.sh [SECONDS] [CONNECTIONS] [STORED]
#
# Does POST /api/leads stay as fast with history and many reps? Three runs of a Release build on its
# SQLite default, one after the other, each loaded with the ingest baseline's measure.sh (wrk, one new
# lead per request) after WARMUP seconds (default 15) of unmeasured load:
#   small  an empty database, one team of 10 reps, one round-robin rule (the setup of bench/ingest.sh);
#   wide   an empty database, 2,000 reps in 100 teams of 20, ten rules sending leads by company size
#          to ten of the teams (the other 90 teams are idle: their reps must cost nothing);
#   stored the wide setup over STORED (default 1,000,000) earlier leads, a tenth of them still open
#          with the reps, each with two timeline entries and a decision.
# Prints each run's line and stored/small, wide/small. Issue 11's target: stored ≥ 0.85× small.
seconds="${1:-10}"
conns="${2:-64}"
stored="${3:-1000000}"
warmup="${WARMUP:-15}"
command -v sqlite3 >/dev/null || { echo "ingest-scale.sh: needs sqlite3 (apt-get install sqlite3)" >&2; exit 1; }
. "$(dirname "${BASH_SOURCE[0]}")/switchboard.sh"

# Many small POSTs over one connection: a curl config of url/data pairs.
post_all() { # FILE
  curl -K "$1"
}
request() { # PATH JSON
  printf 'next\nfail\nsilent\nshow-error\noutput = "/dev/null"\nurl = "%s%s"\nrequest = "POST"\nheader = "Authorization: Bearer %s"\nheader = "content-type: application/json"\ndata = %s\n' \
    "$url" "$1" "$key" "$(printf '%s' "$2" | sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$/"/')"
}
flow() { # YAML
  curl -fsS -o /dev/null -XPUT "$url/api/routing/flow" -H "Authorization: Bearer $key" -H 'content-type: application/yaml' --data-binary "$1"
}

setup_small() {
  { request /api/teams '{"id":"bench","name":"Bench"}'
    for i in $(seq 1 10); do request /api/reps "{\"id\":\"r$i\",\"name\":\"Rep $i\",\"teamIds\":[\"bench\"]}"; done
  } | sed '1d' >"$work/setup.cfg"
  post_all "$work/setup.cfg"
  flow $'rules:\n  - name: all\n    assign: { to: { team: bench }, strategy: round-robin }\nfallback: { pool: unassigned }\n'
}

# 100 teams of 20 reps; rule k takes company sizes [500k, 500k+500) to team tk (the load's sizes run 10..5009).
setup_wide() {
  { for t in $(seq 1 100); do request /api/teams "{\"id\":\"t$t\",\"name\":\"Team $t\"}"; done
    for i in $(seq 1 2000); do request /api/reps "{\"id\":\"r$i\",\"name\":\"Rep $i\",\"teamIds\":[\"t$(( (i - 1) / 20 + 1 ))\"]}"; done
  } | sed '1d' >"$work/setup.cfg"
  post_all "$work/setup.cfg"
  local yaml=$'rules:\n'
  for k in $(seq 0 9); do
    yaml+="  - name: size-$k"$'\n'"    when: company.employees >= $(( k * 500 )) and company.employees < $(( k * 500 + 500 ))"$'\n'
    yaml+="    assign: { to: { team: t$(( k + 1 )) }, strategy: round-robin }"$'\n'
  done
  flow "$yaml"$'fallback: { pool: unassigned }\n'
}

# Earlier leads written straight into the file while the service is stopped: ids and times before
# today's, a tenth open with reps of the busy teams (and the reps' open counts to match), the rest won
# or lost; one lead in five shares its company with four others.
seed() { # DB_FILE N
  local now ticks base
  now="$(date +%s)"
  ticks=$(( now * 10000000 + 621355968000000000 ))
  base=$(( (ticks / 1000) << 11 )) # EF Core's DateTimeOffsetToBinaryConverter, UTC
  sqlite3 "$1" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
INSERT INTO leads (Id, FirstName, LastName, Email, CompanyName, CompanyDomain, CompanyKey, CompanyEmployees, Country,
                   Status, OwnerRepId, CreatedByKeyId, CreatedAt, UpdatedAt, AssignedAt, Channel, ExcludedRepIds, OfferedRepIds, StaleStage)
SELECT printf('00000000-0000-7000-8000-%012d', i), 'Seed', 'Lead ' || i, 'seed' || i || '@s' || (i % 200000) || '.example',
       'Seed Co ' || (i % 200000), 's' || (i % 200000) || '.example', 'seed co ' || (i % 200000), 10 + (i * 37) % 5000, 'US',
       CASE WHEN i % 10 = 0 THEN 'assigned' WHEN i % 3 = 0 THEN 'won' ELSE 'lost' END,
       'r' || (1 + (i * 7) % 200), 'admin-env', $base - i * 20480000, $base - i * 20480000, $base - i * 20480000, 'api', '[]', '[]', 0
FROM n;
INSERT INTO lead_events (LeadId, Type, At, Actor, RepId, Note)
SELECT Id, 'created', CreatedAt, 'admin (SWITCHBOARD_ADMIN_KEY)', NULL, 'captured through the API' FROM leads;
INSERT INTO lead_events (LeadId, Type, At, Actor, RepId, Note)
SELECT Id, 'assigned', CreatedAt, 'system', OwnerRepId, 'round-robin' FROM leads;
INSERT INTO decisions (LeadId, FlowVersion, Kind, Rule, RepId, PoolId, TraceJson, At)
SELECT Id, 1, 'assigned', 'size-0', OwnerRepId, NULL, '{"kind":"assigned","rule":"size-0","candidates":[]}', CreatedAt FROM leads;
UPDATE reps SET OpenLeads = (SELECT count(*) FROM leads WHERE OwnerRepId = reps.Id AND Status = 'assigned');
UPDATE routing_version SET Version = Version + 1;
COMMIT;
SQL
}

measure() { # NAME
  [ "$warmup" -gt 0 ] && WRK_BEARER="$key" "$baseline/measure.sh" "$url" "$warmup" "$conns" >/dev/null
  local line; line="$(WRK_BEARER="$key" "$baseline/measure.sh" "$url" "$seconds" "$conns")"
  echo "$1 $line ($(sqlite3 "$work/$1.db" "SELECT group_concat(Status || ' ' || n, ', ') FROM (SELECT Status, count(*) n FROM leads WHERE Id > '01' GROUP BY Status)") by this run)"
  echo "$line" | sed -E 's/.*req\/s=([0-9.]+).*/\1/' >"$work/$1.rps"
}

start "$work/small.db"; setup_small; measure small; stop
start "$work/wide.db"; setup_wide; measure wide; stop
start "$work/stored.db"; setup_wide; stop
seed "$work/stored.db" "$stored"
start "$work/stored.db"
echo "stored: $(sqlite3 "$work/stored.db" 'SELECT count(*) FROM leads') leads, $(sqlite3 "$work/stored.db" "SELECT count(*) FROM leads WHERE Status = 'assigned'") open"
measure stored; stop
awk -v s="$(cat "$work/small.rps")" -v w="$(cat "$work/wide.rps")" -v d="$(cat "$work/stored.rps")" \
  'BEGIN { printf "wide/small %.3f  stored/small %.3f\n", (s > 0 ? w / s : 0), (s > 0 ? d / s : 0) }'

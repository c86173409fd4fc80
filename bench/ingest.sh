#!/usr/bin/env bash
# bench/ingest.sh [SECONDS] [CONNECTIONS] [REPS]
#
# POST /api/leads of a Release build of Switchboard on its SQLite default (a fresh temp database, one
# team of REPS reps, default 10, round-robin) under the ingest baseline's load script, then the
# baseline service itself with the same SECONDS and CONNECTIONS (default 10 s, 64), in the same run.
# Prints both lines and the ratio. The baseline lives beside the repository
# (../shared/baselines/ingest, or BASELINE_DIR); without it only Switchboard is measured.
# WARMUP=S first loads Switchboard for S seconds, unmeasured (JIT tiering takes a while on this path;
# run-baseline.sh always measures its server cold, so the warm ratio flatters Switchboard a little).
seconds="${1:-10}"
conns="${2:-64}"
reps="${3:-10}"
. "$(dirname "${BASH_SOURCE[0]}")/switchboard.sh"

start "$work/switchboard.db"

H="Authorization: Bearer $key"
post() { curl -fsS -o /dev/null -XPOST "$url$1" -H "$H" -H 'content-type: application/json' -d "$2"; }
post /api/teams '{"id":"bench","name":"Bench"}'
for i in $(seq 1 "$reps"); do post /api/reps "{\"id\":\"r$i\",\"name\":\"Rep $i\",\"teamIds\":[\"bench\"]}"; done
curl -fsS -o /dev/null -XPUT "$url/api/routing/flow" -H "$H" -H 'content-type: application/yaml' \
  --data-binary $'rules:\n  - name: all\n    assign: { to: { team: bench }, strategy: round-robin }\nfallback: { pool: unassigned }\n'

if [ "${WARMUP:-0}" -gt 0 ]; then WRK_BEARER="$key" "$baseline/measure.sh" "$url" "$WARMUP" "$conns" >/dev/null; fi
line="$(WRK_BEARER="$key" "$baseline/measure.sh" "$url" "$seconds" "$conns")"; [ -n "${KEEP_LOG:-}" ] && cp "$work/server.log" "$KEEP_LOG"
echo "switchboard $line"
stop

if [ -x "$baseline/run-baseline.sh" ]; then
  base="$("$baseline/run-baseline.sh" "$seconds" "$conns" 2>/dev/null)"
  echo "$base"
  awk -v a="$(echo "$line" | sed -E 's/.*req\/s=([0-9.]+).*/\1/')" -v b="$(echo "$base" | sed -E 's/.*req\/s=([0-9.]+).*/\1/')" \
    'BEGIN { printf "ratio %.3f\n", (b > 0 ? a / b : 0) }'
fi

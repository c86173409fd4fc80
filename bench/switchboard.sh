# Sourced by the bench scripts: a Release build of Switchboard in a temp folder, started and stopped
# on a SQLite file or PostgreSQL database of the caller's choosing, one instance or several. Sets here,
# repo, baseline, key, work; start sets url and pid (and adds to pids). The folder and every running
# service go when the script exits.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
baseline="${BASELINE_DIR:-$repo/../shared/baselines/ingest}"
key="bench-admin-key-0123456789abcdef"
work="$(mktemp -d)"
pid=""
pids=()
url=""
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done; pids=(); pid=""; }
trap 'stop; rm -rf "$work"' EXIT

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet build "$repo/src/Switchboard/Switchboard.csproj" -c Release --artifacts-path "$work/build" >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 1; }

start() { # DB (a SQLite file, or a PostgreSQL connection string): serves it on a free port; url is where, once /healthz answers
  local db="Data Source=$1" log="$work/server-${#pids[@]}.log"
  [[ "$1" == *Host=* ]] && db="$1"
  : >"$log"
  ( cd "$work" && SWITCHBOARD_ADMIN_KEY="$key" SWITCHBOARD_DB="$db" \
      SWITCHBOARD_RATE_LIMIT_PER_KEY=0 SWITCHBOARD_RATE_LIMIT_PER_ADDRESS=0 \
      exec dotnet "$work/build/bin/Switchboard/release/switchboard.dll" serve --urls "http://127.0.0.1:0" >"$log" 2>&1 ) &
  pid=$!
  pids+=("$pid")
  ln -sf "$log" "$work/server.log"
  url=""
  for _ in $(seq 1 600); do
    url="$(grep -o -m1 'http://127\.0\.0\.1:[0-9]*' "$log" || true)"
    [ -n "$url" ] && curl -fsS -o /dev/null "$url/healthz" 2>/dev/null && return 0
    url=""; sleep 0.1
  done
  cat "$log" >&2; echo "$(basename "$0"): service did not start" >&2; exit 1
}

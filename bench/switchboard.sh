# Sourced by the bench scripts: a Release build of Switchboard in a temp folder, started and stopped
# on a SQLite file of the caller's choosing. Sets here, repo, baseline, key, work; start sets url and
# pid. The folder and any running service go when the script exits.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
baseline="${BASELINE_DIR:-$repo/../shared/baselines/ingest}"
key="bench-admin-key"
work="$(mktemp -d)"
pid=""
url=""
stop() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; pid=""; }
trap 'stop; rm -rf "$work"' EXIT

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet build "$repo/src/Switchboard/Switchboard.csproj" -c Release --artifacts-path "$work/build" >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 1; }

start() { # DB_FILE: serves it on a free port; url is where, once /healthz answers
  : >"$work/server.log"
  ( cd "$work" && SWITCHBOARD_ADMIN_KEY="$key" SWITCHBOARD_DB="Data Source=$1" \
      exec dotnet "$work/build/bin/Switchboard/release/switchboard.dll" serve --urls "http://127.0.0.1:0" >"$work/server.log" 2>&1 ) &
  pid=$!
  url=""
  for _ in $(seq 1 600); do
    url="$(grep -o -m1 'http://127\.0\.0\.1:[0-9]*' "$work/server.log" || true)"
    [ -n "$url" ] && curl -fsS -o /dev/null "$url/healthz" 2>/dev/null && return 0
    url=""; sleep 0.1
  done
  cat "$work/server.log" >&2; echo "$(basename "$0"): service did not start" >&2; exit 1
}

#!/usr/bin/env bash
# Builds the self-contained production bundle: compiled apps and libs, the admin app's static export, the migration
# tool and production node_modules installed from the lock. docker/Dockerfile runs exactly this script, and so does the
# bundle test (apps/api/test/production-bundle.e2e-spec.ts), which then starts the bundle with only the image's env.
#
#   tools/scripts/build-production.sh <out-dir>
#
# Run it from a workspace where `npm ci` has been done (the build needs the dev dependencies).
set -euo pipefail
out=${1:?usage: tools/scripts/build-production.sh <out-dir>}
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$root"
export NX_DAEMON=false NX_NO_CLOUD=true NEXT_TELEMETRY_DISABLED=1

echo "== build (apps, libs, db-migrate, admin static export)" >&2
npm run build --silent >&2

echo "== assemble $out" >&2
find "$out" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
cp package.json package-lock.json "$out/"
workspaces=$(npm query .workspace | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).map((w)=>w.location).join("\n")))')
install_args=()
for ws in $workspaces; do
  mkdir -p "$out/$ws"
  cp "$ws/package.json" "$out/$ws/package.json"
  if [ "$ws" = "apps/admin" ]; then
    # the admin app ships as its static export only; its build dependencies (next, react) stay out
    [ -f apps/admin/out/index.html ] || { echo "apps/admin/out is missing: the admin build failed" >&2; exit 1; }
    cp -R apps/admin/out "$out/apps/admin/out"
    continue
  fi
  [ -d "$ws/dist" ] || { echo "$ws/dist is missing: the build failed" >&2; exit 1; }
  cp -R "$ws/dist" "$out/$ws/dist"
  install_args+=("--workspace=$ws")
done
mkdir -p "$out/tools/db-migrate" "$out/tools/scripts"
cp -R tools/db-migrate/dist "$out/tools/db-migrate/dist"
cp tools/scripts/serve-admin.mjs "$out/tools/scripts/serve-admin.mjs"
find "$out" -name '*.map' -delete

echo "== production dependencies (npm ci --omit=dev)" >&2
(cd "$out" && npm ci --omit=dev --include-workspace-root "${install_args[@]}" --no-audit --no-fund --loglevel=error >&2)
# npm links every workspace; only the shipped ones have a dist folder, and the bundle needs no lock or manifests
# beyond those npm and Node read at run time.
echo "== bundle ready: $(du -sh "$out" | cut -f1) in $out" >&2

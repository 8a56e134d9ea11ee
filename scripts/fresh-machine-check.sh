#!/usr/bin/env bash
# fresh-machine-check: runs `npx playwright test` (or, with --probe, only says which Chromium the
# specs would pick) as on a fresh machine that has no system Chromium, on this one. In a private
# mount namespace (unshare --mount; root, or a user namespace that allows mounts) it hides
# /usr/bin/chromium, /usr/bin/chromium-browser and /usr/lib/chromium where they exist (an
# overlay with whiteouts: the paths are absent, as on a machine that never installed them, not
# masked by an environment variable), gives the run an empty /tmp (so @sparticuz/chromium's
# binary is unpacked from scratch) and unsets RUNLAB_CHROMIUM. Nothing outside the namespace
# changes. The run passes only if every spec passes and the browser was the npm package's.
#
#   scripts/fresh-machine-check.sh [--probe] [playwright test arguments…]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${RUNLAB_FRESH_MACHINE_NS:-}" != "1" ]; then
  if ! unshare --mount --propagation private true 2>/dev/null; then
    echo "fresh-machine-check: cannot make a private mount namespace here (unshare --mount needs root or CAP_SYS_ADMIN)" >&2
    exit 2
  fi
  exec unshare --mount --propagation private env RUNLAB_FRESH_MACHINE_NS=1 "$0" "$@"
fi

# Inside the namespace from here on. An empty /tmp first: the overlays' scratch folders live in it.
mount -t tmpfs -o mode=1777 fresh-tmp /tmp
scratch=/tmp/.fresh-machine
mkdir -p "$scratch"

# hide DIR NAME…: an overlay on DIR whose upper layer holds a whiteout (char device 0:0) per NAME.
hide() {
  local dir=$1 name upper work hidden=()
  shift
  for name in "$@"; do
    if [ -e "$dir/$name" ] || [ -L "$dir/$name" ]; then hidden+=("$name"); fi
  done
  [ ${#hidden[@]} -gt 0 ] || return 0
  upper="$scratch/upper${dir//\//_}"
  work="$scratch/work${dir//\//_}"
  mkdir -p "$upper" "$work"
  for name in "${hidden[@]}"; do mknod "$upper/$name" c 0 0; done
  mount -t overlay fresh-machine -o "lowerdir=$dir,upperdir=$upper,workdir=$work" "$dir"
  echo "fresh-machine-check: hid ${hidden[*]/#/$dir/}"
}
hide /usr/bin chromium chromium-browser
hide /usr/lib chromium

for path in /usr/bin/chromium /usr/bin/chromium-browser /usr/lib/chromium; do
  if [ -e "$path" ]; then
    echo "fresh-machine-check: $path is still there" >&2
    exit 1
  fi
done
unset RUNLAB_CHROMIUM
export TMPDIR=/tmp

if [ "${1:-}" = "--probe" ]; then
  exec npx tsx -e "import('./tests/e2e/fixtures/chromium.ts').then((m) => console.log('Chromium source: ' + m.CHROMIUM_SOURCE + ' (' + m.CHROMIUM_PATH + ')'))"
fi

log="$scratch/playwright.log"
status=0
npx playwright test "$@" 2>&1 | tee "$log" || status=$?
if [ "$status" -ne 0 ]; then
  echo "fresh-machine-check: FAILED (playwright exited $status)" >&2
  exit "$status"
fi
if ! grep -q '^Browser: Chromium from the npm package @sparticuz/chromium' "$log"; then
  echo "fresh-machine-check: FAILED (the specs did not run in @sparticuz/chromium's browser)" >&2
  exit 1
fi
echo "fresh-machine-check: passed without a system Chromium"

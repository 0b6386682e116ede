#!/usr/bin/env bash
# bench/image: herd image capture/update against rsync -aHAX from an rsync daemon (what
# SystemImager does), same data, one run. See run.py for what is measured.
# Usage: bench/image/run.sh [--small] [--fleet 16,32]   (as root; herd: $HERD, else build/herd)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for tool in rsync python3 ip; do
  command -v "$tool" >/dev/null || { echo "bench/image needs $tool (scripts/setup installs it)" >&2; exit 2; }
done
exec python3 "$here/run.py" "$@"

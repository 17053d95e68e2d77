#!/usr/bin/env bash
# Builds the pipeline (only when its sources changed) and runs it with the given arguments.
# The pipeline's exit code is this script's: 0 success, 1 a task failed, 2 bad arguments or settings.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$root/build/Build.csproj"
output="$root/build/bin/Release/net10.0"
assembly="$output/Build.dll"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# A warm start skips MSBuild entirely when nothing under build/ (or the shared build files) is newer than
# the last build, which keeps `./build.sh --tree` well under a second.
needs_build() {
  [[ ! -f "$assembly" ]] && return 0
  [[ -n "$(find "$root/build" "$root/Directory.Build.props" "$root/Directory.Build.targets" \
      \( -path "$root/build/bin" -o -path "$root/build/obj" \) -prune -o -type f -newer "$assembly" -print -quit)" ]]
}

if needs_build; then
  if ! log="$(dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly 2>&1)"; then
    printf '%s\n' "$log" >&2
    echo "build.sh: building the pipeline failed (see above)." >&2
    exit 1
  fi
  touch "$assembly"
fi

exec dotnet "$assembly" "$@"

#!/usr/bin/env bash
# Builds and runs a program that uses the Distill library from outside this repository: no
# Directory.Build file of ours applies, so the native library must load through the library's own
# repair (NativeLibraryRepair), exactly as it would for a user. Used by .ci/run.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$repo/tests/consumer/Consumer.csproj" "$repo/tests/consumer/Program.cs" "$work/"
cd "$work"
dotnet run -c Release -p:DistillProject="$repo/src/Distill/Distill.csproj"

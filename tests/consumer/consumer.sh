#!/usr/bin/env bash
# Builds and runs a program that uses the Distill library from outside this repository: no
# Directory.Build file of ours applies, so the native library must load as the build of a project
# reference leaves it (Distill's project hands its referrers a weakened copy; no repair at run time).
# It runs twice: as a plain host, which must find its environment and files unchanged after
# training, and with --native (DistillNative.Prepare), as the command line runs. Used by .ci/run.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$repo/tests/consumer/Consumer.csproj" "$repo/tests/consumer/"*.cs "$work/"
cd "$work"
dotnet build -c Release -p:DistillProject="$repo/src/Distill/Distill.csproj"
dotnet run --no-build -c Release -p:DistillProject="$repo/src/Distill/Distill.csproj"
dotnet run --no-build -c Release -p:DistillProject="$repo/src/Distill/Distill.csproj" -- --native

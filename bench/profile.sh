#!/usr/bin/env bash
# Step profile of an MLP in Distill's TorchSharp stack: matmul roofline (fp32, bf16) and the cost
# of forward, backward and the optimiser per training step, in CPU time and wall time, at 1 and 2
# threads. Usage: profile.sh [spec] [batch]   (default mlp:800-800 128)
#        profile.sh bf16-conv                 (libtorch's bfloat16 convolutions vs float32)
#        profile.sh conv-check                (float32 and bfloat16 convolutions vs float64, oneDNN on and off)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dotnet build "$here/Profile" -c Release -v q -nologo >&2
[[ "${SMOKE:-0}" == 1 ]] && { echo "profile: built"; exit 0; }
if [[ "${1:-}" == bf16-conv || "${1:-}" == conv-check ]]; then exec dotnet "$here/Profile/bin/Release/net10.0/Profile.dll" "$1"; fi
for threads in 1 2; do
  OMP_NUM_THREADS="$threads" dotnet "$here/Profile/bin/Release/net10.0/Profile.dll" "$threads" "${1:-mlp:800-800}" "${2:-128}"
done

#!/usr/bin/env bash
# Step profile of an MLP in Distill's TorchSharp stack: matmul roofline (fp32, bf16) and the cost
# of forward, backward and the optimiser per training step, in CPU time and wall time, at 1 and 2
# threads. Usage: profile.sh [spec] [batch]   (default mlp:800-800 128)
#        profile.sh bf16-conv                 (libtorch's bfloat16 convolutions vs float32)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dotnet build "$here/Profile" -c Release -v q -nologo >&2
[[ "${SMOKE:-0}" == 1 ]] && { echo "profile: built"; exit 0; }
if [[ "${1:-}" == bf16-conv ]]; then exec dotnet "$here/Profile/bin/Release/net10.0/Profile.dll" bf16-conv; fi
for threads in 1 2; do
  OMP_NUM_THREADS="$threads" dotnet "$here/Profile/bin/Release/net10.0/Profile.dll" "$threads" "${1:-mlp:800-800}" "${2:-128}"
done

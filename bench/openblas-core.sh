# Sourced by the bench scripts that time the PyTorch peers. Debian's OpenBLAS 0.3.21 does not know
# CPUs newer than it (an Intel Xeon of family 6 model 207 is taken for a "Prescott"; a Zen 5 is not
# recognised either) and falls back to generic kernels: a 2048^2 float32 matmul then runs at
# ~22 GFLOP/s on one core instead of ~120, and a PyTorch peer is ~3x slower than it should be.
# Name the core type from the CPU's flags unless the caller already did (OPENBLAS_VERBOSE=2 shows
# the core OpenBLAS uses). Distill is not affected: libtorch brings its own MKL.
if [[ -z "${OPENBLAS_CORETYPE:-}" ]]; then
  if grep -qw avx512f /proc/cpuinfo; then export OPENBLAS_CORETYPE=SkylakeX
  elif grep -qw avx2 /proc/cpuinfo; then export OPENBLAS_CORETYPE=Haswell; fi
fi

#!/usr/bin/env bash
# The checks that need a CUDA GPU, in one run: the install check, the CUDA tests (every op of the
# registry on the GPU against the CPU), the CUDA block of the seed tutorial, and the GPU benchmark.
# Run from the repository root on a machine with CuPy and a GPU:  bash scripts/gpu_checks.sh
set -u
export PYTHONPATH="${PYTHONPATH:-}:$PWD"
PY=${PYTHON:-python3}
echo "== check-cuda";          $PY -m tensorsh check-cuda
echo "== CUDA tests";          $PY -m pytest -q -p no:cacheprovider -m cuda tests/test_cuda.py 2>&1 | tail -5
echo "== seed CUDA block";     $PY -m tensorsh scripts/cuda_block.tsh
echo "== GPU benchmark";       $PY scripts/bench_engine.py --device cuda --quick

#!/usr/bin/env bash
# Everything that needs a CUDA GPU, in one run of about 5 minutes on an H200:
#   check-cuda (text and --json); every test marked cuda anywhere under tests/ (each op spec's
#   values, dtypes and gradients against the CPU, transfers, printing, mixed-device errors,
#   manual_seed); the seed tutorial's CUDA block; a confined `tensorsh -c` with a backward on
#   the GPU; `manual_seed` reproducibility from the shell; a small network trained on cuda with nn
#   and optim (scripts/cuda_training.tsh); the GPU benchmarks.
# Every part runs even when an earlier one fails, each under its own time limit; a summary of
# each part's status and time ends the output.
#
#   bash scripts/gpu_checks.sh        (from the repository root; the log also goes to
#                                      $OUT/gpu_checks.log when OUT is set)
#
# Nothing here installs anything or imports prompt_toolkit (test modules that need it fail to
# collect and are reported; the CUDA tests in the other modules still run).
set -u
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
PY=${PYTHON:-python3}
SUMMARY=()
PYTEST_OUT=$(mktemp)
trap 'rm -f "$PYTEST_OUT"' EXIT

# run_part NAME LIMIT_SECONDS COMMAND...: run one part, note its status and time
run_part() {
    local name=$1 limit=$2 start=$SECONDS rc
    shift 2
    echo
    echo "=== $name (limit ${limit}s)"
    timeout --kill-after=5 "$limit" "$@"
    rc=$?
    local status=ok
    if ((rc == 124 || rc == 137)); then status="TIMED OUT"; elif ((rc != 0)); then status="FAIL (exit $rc)"; fi
    SUMMARY+=("$(printf '%-34s %-16s %4ds' "$name" "$status" $((SECONDS - start)))")
}

# pytest's output also goes to a file, for its last line in the summary
CUDA_TESTS='"$0" -m pytest -q -p no:cacheprovider -m cuda --continue-on-collection-errors --tb=short \
    --durations=5 tests/ 2>&1 | tee "$1"; exit "${PIPESTATUS[0]}"'

CONFINED_BACKWARD='x = torch.ones(3, device="cuda", requires_grad=True)
y = (x * x + torch.arange(3.0, device="cuda")).sum()
y.backward()
print(y, x.grad)
assert str(x.grad.device) == "cuda:0" and x.grad.tolist() == [2.0, 2.0, 2.0]'

SEEDED_TWICE='generator = torch.manual_seed(0)
a = torch.rand(3, device="cuda")
generator = torch.manual_seed(0)
b = torch.rand(3, device="cuda")
print(a)
print(b)
assert torch.equal(a, b), "manual_seed did not make CUDA random numbers reproducible"'

main() {
    echo "gpu_checks: $(date -u '+%Y-%m-%d %H:%M:%S UTC') in $PWD with $("$PY" --version 2>&1)"
    run_part "nvidia-smi" 20 nvidia-smi
    run_part "check-cuda" 60 "$PY" -m tensorsh check-cuda
    run_part "check-cuda --json" 60 "$PY" -m tensorsh check-cuda --json
    run_part "CUDA tests (pytest -m cuda)" 210 bash -c "$CUDA_TESTS" "$PY" "$PYTEST_OUT"
    run_part "seed tutorial's CUDA block" 30 bash -c '"$0" -m tensorsh scripts/cuda_block.tsh | tee /dev/stderr | grep -q "device=.cuda:0."' "$PY"
    run_part "confined -c with a backward" 60 env TENSORSH_CONFINE_DEBUG=1 CUPY_CACHE_DIR="$(mktemp -d)" "$PY" -m tensorsh --confine=require -c "$CONFINED_BACKWARD"
    run_part "manual_seed on cuda, twice" 30 "$PY" -m tensorsh -c "$SEEDED_TWICE"
    run_part "nn and optim on cuda (a .tsh)" 60 bash -c '"$0" -m tensorsh scripts/cuda_training.tsh | tee /dev/stderr | grep -q "trained on cuda:0 and the loss fell"' "$PY"
    run_part "GPU benchmarks" 90 "$PY" scripts/bench_engine.py --device cuda

    echo
    echo "=== summary (${SECONDS}s in all)"
    printf '%s\n' "${SUMMARY[@]}"
    echo "CUDA tests: $(grep -E '(passed|failed|error|skipped|deselected)' "$PYTEST_OUT" | tail -1)"
}

if [[ -n "${OUT:-}" ]]; then
    mkdir -p "$OUT"
    main 2>&1 | tee "$OUT/gpu_checks.log"
else
    main
fi

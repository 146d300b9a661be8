#!/usr/bin/env bash
# Architecture sweep for the base model (issue 3): same data, same budget (epochs), one config at
# a time on one core. Results: OUT/<name>/train-log.jsonl (OUT defaults to runs/sweep); summary:
# node --import tsx scripts/sweep-summary.ts OUT. Name configs to run only those.
#   bash scripts/arch-sweep.sh [EPOCHS] [OUT] [NAME...]
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-6}
out=${2:-runs/sweep}
only=("${@:3}")
node --import tsx scripts/make-an4-manifests.ts
m=runs/manifests
configs=(
  "lstm-2x192-s3 --arch lstm --layers 2 --units 192 --stack 3"
  "gru-2x192-s3 --arch gru --layers 2 --units 192 --stack 3"
  "peephole-2x192-s3 --arch peephole --layers 2 --units 192 --stack 3"
  "lstm-3x192-s3 --arch lstm --layers 3 --units 192 --stack 3"
  "lstm-2x192-s2 --arch lstm --layers 2 --units 192 --stack 2"
  "lstm-2x128-s3 --arch lstm --layers 2 --units 128 --stack 3"
  "lstm-2x256-s3 --arch lstm --layers 2 --units 256 --stack 3"
)
for config in "${configs[@]}"; do
  set -- $config
  name=$1; shift
  [ ${#only[@]} -gt 0 ] && [[ ! " ${only[*]} " =~ " $name " ]] && continue
  [ -f "$out/$name/done" ] && continue
  mkdir -p "$out"
  start=$(date +%s)
  node bin/cellscribe.mjs train --train $m/an4-train.json --dev $m/an4-dev.json --out "$out/$name" \
    --epochs "$epochs" --patience "$epochs" "$@" > "$out/$name.log" 2>&1
  echo "$name $(( $(date +%s) - start ))" > "$out/$name/done"
done

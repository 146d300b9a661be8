#!/usr/bin/env bash
# Stage 2 of cellscribe-base-5, after scripts/train-base5.sh. Stage 1 heard isolated digits from
# two FSDD speakers only; on FSDD speakers it never heard (8 kHz, trimmed tight) it dropped or
# confused a third of the digits. This short pass at a lower learning rate adds synthetic digit
# strings, numbers, spelled letters and command words from 17 TTS voices (`cellscribe corpus`,
# seeded; augmented with speed, pitch, reverb, noise and telephone band), 8 kHz copies of a third
# of them, and a seeded fifth of stage 1's real sentences so the sentences are not forgotten.
# Real speech stays the larger part. Resumable like stage 1: rerun the same command.
#
#   nohup bash scripts/train-base5-polish.sh > runs/base5-polish.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
m=runs/manifests
FROM=${FROM:-runs/base5}
OUT=${OUT:-runs/base5-polish}

node bin/cellscribe.mjs corpus --out runs/corpus-b5 --seed 5 --utterances 3000 --dev-utterances 50
node --import tsx scripts/sample-manifest.ts --manifest runs/corpus-b5/train.json \
  --category digits,numbers,letters,commands --out $m/synth-short.json
node --import tsx scripts/make-narrowband-copies.ts --manifest $m/synth-short.json --fraction 0.33 \
  --out runs/narrowband --name synth-short-third
node --import tsx scripts/sample-manifest.ts --manifest $m/libri-train.json --manifest $m/so762-train.json \
  --manifest $m/pico-train.json --manifest runs/narrowband/real-eighth.json --fraction 0.2 --seed 2 \
  --out $m/real-fifth.json

node bin/cellscribe.mjs train --from "$FROM/model" \
  --train $m/synth-short.json --train runs/narrowband/synth-short-third.json --train $m/real-fifth.json \
  --train $m/an4-train.json --train runs/narrowband/an4-train.json --train $m/fsdd5-train.json \
  --dev $m/libri-dev.json --dev $m/so762-dev.json --dev $m/an4-dev-tune.json --dev $m/fsdd5-dev.json \
  --out "$OUT" --epochs 4 --batch-size 32 --lr 0.0005 --patience 2 --seed 1 --checkpoint-every 100 \
  --spec-augment "$@"

#!/usr/bin/env bash
# Rebuilds the bundled base model (assets/models/base) the way base-1 was made. Long: run it in
# the background; rerun the same command after a crash, a kill or the end of a session and every
# step resumes (manifests are regenerated identically, the corpus skips finished utterances,
# training resumes from its last checkpoint).
#
#   bash scripts/train-base-model.sh && bash scripts/evaluate-base-model.sh runs/base-a
set -euo pipefail
cd "$(dirname "$0")/.."
m=runs/manifests

# 1. Real speech, whole speakers / takes held out for development.
node --import tsx scripts/make-an4-manifests.ts
node --import tsx scripts/make-fsdd-manifests.ts

# 2. Synthetic speech (Debian main voices; festival ked_diphone held out as the dev voice).
#    base-1 trained on the 1,227 utterances listed in scripts/base-model/synth-train-a.json: the
#    ones finished when its training started, out of this plan (seed 1, indices 0–1334).
node bin/cellscribe.mjs corpus --out runs/corpus-v1 --seed 1 --utterances 1335 --dev-utterances 300 \
  --exclude ../shared/data/an4/train_manifest.json

# 3. Train; early stopping and model selection on the AN4 held-out speakers.
node bin/cellscribe.mjs train \
  --train $m/an4-train.json --train $m/fsdd-train.json --train scripts/base-model/synth-train-a.json \
  --dev $m/an4-dev.json --out runs/base-a \
  --arch lstm --layers 2 --units 256 --stack 3 --epochs 40 --patience 6 --seed 1 --checkpoint-every 100

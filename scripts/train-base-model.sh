#!/usr/bin/env bash
# Rebuilds the bundled base model from scratch (issue 3). Long: run it in the background; rerun
# the same command after a crash, a kill or the end of a session and every step resumes
# (manifests are regenerated identically, the corpus skips finished utterances, training resumes
# from its last checkpoint).
#
#   bash scripts/train-base-model.sh            # then: bash scripts/evaluate-base-model.sh
#
# Settings (environment): ARCH LAYERS UNITS STACK EPOCHS SEED CORPUS_HOURS OUT
set -euo pipefail
cd "$(dirname "$0")/.."
ARCH=${ARCH:-lstm} LAYERS=${LAYERS:-2} UNITS=${UNITS:-256} STACK=${STACK:-3}
EPOCHS=${EPOCHS:-40} SEED=${SEED:-1} CORPUS_HOURS=${CORPUS_HOURS:-4}
OUT=${OUT:-runs/base-$ARCH-${LAYERS}x$UNITS-s$STACK}
m=runs/manifests

# 1. Real speech, whole speakers / takes held out for development.
node --import tsx scripts/make-an4-manifests.ts
node --import tsx scripts/make-fsdd-manifests.ts

# 2. Synthetic speech (Debian main voices only; festival ked_diphone held out for development).
node bin/cellscribe.mjs corpus --out runs/corpus-v1 --seed "$SEED" --hours "$CORPUS_HOURS" \
  --dev-utterances 300 --exclude ../shared/data/an4/train_manifest.json

# 3. Train on all three; early stopping and model selection on the real AN4 held-out speakers.
node bin/cellscribe.mjs train \
  --train $m/an4-train.json --train $m/fsdd-train.json --train runs/corpus-v1/train.json \
  --dev $m/an4-dev.json --out "$OUT" \
  --arch "$ARCH" --layers "$LAYERS" --units "$UNITS" --stack "$STACK" \
  --epochs "$EPOCHS" --patience 6 --seed "$SEED" --checkpoint-every 100

#!/usr/bin/env bash
# Every dev-set result the base model's card reports, each with the command that produced it.
#   bash scripts/evaluate-base-model.sh [MODEL_DIR]   (default assets/models/base)
# Needs the manifests (scripts/make-an4-manifests.ts, scripts/make-fsdd-manifests.ts) and the
# synthetic dev voice (cellscribe corpus, runs/corpus-v1/dev.json).
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-assets/models/base}
m=runs/manifests
vocab=assets/vocabularies/an4.txt
lm=$m/an4-train.txt
run() {
  echo "\$ $*"
  "$@" 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(JSON.stringify({wer:+(r.wer*100).toFixed(2),cer:+(r.cer*100).toFixed(2),sentenceAccuracy:+(r.sentenceAccuracy*100).toFixed(2),utterances:r.utterances,S:r.substitutions,D:r.deletions,I:r.insertions,rtf:+r.rtf.toFixed(4),backend:r.backend}))})'
}
for set in an4-dev an4-dev-report; do
  run node bin/cellscribe.mjs eval --model "$MODEL" --manifest $m/$set.json --json
  run node bin/cellscribe.mjs eval --model "$MODEL" --manifest $m/$set.json --vocabulary $vocab --json
  run node bin/cellscribe.mjs eval --model "$MODEL" --manifest $m/$set.json --vocabulary $vocab --lm $lm --json
done
run node bin/cellscribe.mjs eval --model "$MODEL" --manifest $m/fsdd-dev.json --vocabulary digits --json
run node bin/cellscribe.mjs eval --model "$MODEL" --manifest runs/corpus-v1/dev.json --json

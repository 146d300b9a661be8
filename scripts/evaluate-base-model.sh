#!/usr/bin/env bash
# Every dev-set result the base model's card reports, each with the command that produced it.
#   bash scripts/evaluate-base-model.sh [MODEL_DIR]   (default assets/models/base)
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-assets/models/base}
m=runs/manifests
run() { echo "\$ $*"; "$@" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(JSON.stringify({wer:r.wer,cer:r.cer,sentenceAccuracy:r.sentenceAccuracy,utterances:r.utterances,S:r.substitutions,D:r.deletions,I:r.insertions,rtf:+r.rtf.toFixed(4),backend:r.backend}))})'; }
run node bin/cellscribe.mjs eval --model "$MODEL" --manifest $m/an4-dev.json --json
run node bin/cellscribe.mjs eval --model "$MODEL" --manifest $m/an4-dev.json --vocabulary assets/vocabularies/an4.txt --json
run node bin/cellscribe.mjs eval --model "$MODEL" --manifest $m/an4-dev.json --vocabulary assets/vocabularies/an4.txt --lm $m/an4-train.txt --json
run node bin/cellscribe.mjs eval --model "$MODEL" --manifest $m/fsdd-dev.json --vocabulary digits --json
run node bin/cellscribe.mjs eval --model "$MODEL" --manifest runs/corpus-v1/dev.json --json

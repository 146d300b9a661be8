#!/usr/bin/python3
"""Golden values for model/ctc/arpa.ts (and the sphinx trie reader): an ARPA trigram model built
from counts by an independent reference method, plus expected log10 probabilities computed
straight from the counts (not from the ARPA table), so the reader's back-off arithmetic is checked.

Smoothing: interpolated Witten-Bell (Witten & Bell 1991; the form SRILM's -wbdiscount -interpolate
uses). P(w | h) = (c(h w) + T(h) · P(w | h')) / (c(h) + T(h)), T(h) = distinct words seen after h;
the unigram level interpolates with a uniform distribution over the vocabulary plus </s> and <unk>.
In back-off (ARPA) form a seen n-gram stores the interpolated probability and a seen context the
weight T(h) / (c(h) + T(h)), because for an unseen h w the formula reduces to that times P(w | h').

Writes model/ctc/fixtures/arpa-golden.arpa (the model, SRILM/KenLM layout: \\data\\, counts,
tab-separated sections, \\end\\) and model/ctc/fixtures/arpa-golden.json (queries → log10 P).
When sphinx_lm_convert (Debian sphinxbase-utils) is installed it also converts the ARPA file to
sphinx's binary trie format, model/ctc/fixtures/arpa-golden.lm.bin, for the trie reader's test.
Run: /usr/bin/python3 scripts/golden/arpa_golden.py
"""
import gzip
import json
import math
import os
import random
import re
import shutil
import subprocess
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', '..', 'model', 'ctc', 'fixtures')
BOS, EOS, UNK = '<s>', '</s>', '<unk>'
ORDER = 3

# A small Markov "language" so that trigrams repeat and many are missing.
WORDS = ['the', 'a', 'cat', 'dog', 'sat', 'ran', 'on', 'mat', 'under', 'table', "don't", 'go',
         'stop', 'yes', 'no', 'one', 'two', 'three', 'red', 'big', 'house', 'is', 'it', 'we']
rng = random.Random(11)
successors = {w: rng.sample(WORDS, 5) for w in WORDS}
sentences = []
for _ in range(300):
    word = rng.choice(WORDS[:12])
    sentence = [word]
    while len(sentence) < 9 and rng.random() > 0.18:
        word = rng.choice(successors[word]) if rng.random() < 0.85 else rng.choice(WORDS)
        sentence.append(word)
    sentences.append([BOS] + sentence + [EOS])

counts = [None] + [defaultdict(int) for _ in range(ORDER)]  # counts[n][tuple] = c
for s in sentences:
    for n in range(1, ORDER + 1):
        for i in range(len(s) - n + 1):
            gram = tuple(s[i:i + n])
            if n == 1 and gram[0] == BOS:
                continue
            counts[n][gram] += 1

vocab = sorted({g[0] for g in counts[1]} | {UNK})  # every predictable word, </s> and <unk>
context_total = defaultdict(int)   # c(h)
context_types = defaultdict(int)   # T(h)
for n in range(1, ORDER + 1):
    for gram, c in counts[n].items():
        context_total[gram[:-1]] += c
        context_types[gram[:-1]] += 1


def prob(history, word):
    """Interpolated Witten-Bell P(word | history), history a tuple of at most ORDER-1 words."""
    history = tuple(history[-(ORDER - 1):]) if ORDER > 1 else ()
    if len(history) == 0:
        total, types = context_total[()], context_types[()]
        c = counts[1].get((word,), 0)
        return (c + types / len(vocab)) / (total + types)
    lower = prob(history[1:], word)
    total = context_total.get(history, 0)
    if total == 0:
        return lower  # context never seen: no evidence, the lower order decides
    types = context_types[history]
    c = counts[len(history) + 1].get(history + (word,), 0)
    return (c + types * lower) / (total + types)


def backoff(context):
    return context_types[context] / (context_total[context] + context_types[context])


lines = ['\\data\\']
sections = []
uni = sorted(list(counts[1].keys()) + [(BOS,), (UNK,)])
sections.append(uni)
for n in range(2, ORDER + 1):
    sections.append(sorted(counts[n].keys()))
for n, grams in enumerate(sections, start=1):
    lines.append(f'ngram {n}={len(grams)}')
for n, grams in enumerate(sections, start=1):
    lines.append('')
    lines.append(f'\\{n}-grams:')
    for gram in grams:
        p = -99.0 if gram == (BOS,) else math.log10(prob(gram[:-1], gram[-1]))
        row = f'{p:.7f}\t{" ".join(gram)}'
        if n < ORDER and context_total.get(gram, 0) > 0:
            row += f'\t{math.log10(backoff(gram)):.7f}'
        lines.append(row)
lines += ['', '\\end\\', '']

# Queries: every seen trigram, and random histories (seen, partly seen, unseen) with random words.
queries = []
for gram in sorted(counts[3].keys())[:40]:
    queries.append((list(gram[:-1]), gram[-1]))
qrng = random.Random(5)
for _ in range(120):
    history = [qrng.choice(WORDS + [BOS]) for _ in range(qrng.choice([0, 1, 2]))]
    if len(history) == 2 and history[1] == BOS:
        history = history[1:]
    word = qrng.choice(WORDS + [EOS, 'zebra'])
    queries.append((history, word))
expected = []
for history, word in queries:
    w = word if (word,) in counts[1] else UNK
    expected.append({'history': history, 'word': word, 'log10': math.log10(prob(tuple(history), w))})

os.makedirs(FIXTURES, exist_ok=True)
arpa_path = os.path.join(FIXTURES, 'arpa-golden.arpa')
with open(arpa_path, 'w') as f:
    f.write('This ARPA file was written by scripts/golden/arpa_golden.py (interpolated Witten-Bell).\n')
    f.write('\n'.join(lines))
with open(os.path.join(FIXTURES, 'arpa-golden.json'), 'w') as f:
    json.dump({'smoothing': 'interpolated-witten-bell', 'order': ORDER, 'vocabularySize': len(vocab),
               'queries': expected}, f, indent=1)
print(f'wrote {arpa_path}: {", ".join(f"{len(s)} {n + 1}-grams" for n, s in enumerate(sections))}; {len(expected)} queries')

# sphinx's own tools (Debian sphinxbase-utils): the binary trie of this model, gzipped (its
# quantizer tables are mostly padding), and sphinx_lm_eval's per-word scores (log base 1.0001)
# on a few sentences, for this model and, where installed, pocketsphinx-en-us's general LM.
convert = shutil.which('sphinx_lm_convert')
evaluate = shutil.which('sphinx_lm_eval')
EN_US = '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin'
SENTENCES = {
    'golden': ['the cat sat on the mat', "we don't go under the red house", 'stop yes no zebra two'],
    'en-us': ['i want to go home', 'the cat sat on the mat', 'please call stella', 'mat the on sat cat the',
              'she had your dark suit in greasy wash water all year'],
}


def sphinx_scores(lm_path, sentence):
    out = subprocess.run([evaluate, '-verbose', 'yes', '-lm', lm_path, '-text', f'<s> {sentence} </s>'],
                         check=True, capture_output=True, text=True)
    scores = []
    for m in re.finditer(r'log P\((\S+)\|([^)]*)\) = (-?\d+)', out.stdout + out.stderr):
        scores.append({'word': m.group(1), 'history': m.group(2).split(), 'logBase1_0001': int(m.group(3))})
    return scores[::-1]  # sphinx prints the last word first


if convert and evaluate:
    bin_path = os.path.join(FIXTURES, 'arpa-golden.lm.bin')
    subprocess.run([convert, '-i', arpa_path, '-o', bin_path], check=True, capture_output=True)
    with open(bin_path, 'rb') as src, open(bin_path + '.gz', 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', mtime=0) as dst:
        dst.write(src.read())
    os.remove(bin_path)
    evals = {'golden': {s: sphinx_scores(arpa_path, s) for s in SENTENCES['golden']}}
    if os.path.exists(EN_US):
        evals['en-us'] = {s: sphinx_scores(EN_US, s) for s in SENTENCES['en-us']}
    with open(os.path.join(FIXTURES, 'sphinx-lm-eval.json'), 'w') as f:
        json.dump(evals, f, indent=1)
    print(f'wrote {bin_path}.gz with {convert} and sphinx-lm-eval.json with {evaluate}')
else:
    print('sphinx_lm_convert / sphinx_lm_eval not found (apt-get install sphinxbase-utils): sphinx fixtures not rebuilt')

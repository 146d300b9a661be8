#!/usr/bin/python3
"""Golden values for model/ctc/ctc-loss.ts: torch.nn.functional.ctc_loss on random logits.

Writes model/ctc/fixtures/ctc_loss_golden.json with, per case, the unnormalised logits
[batch, time, classes], padded labels, the per-utterance loss (reduction='none',
zero_infinity=True, blank=0) and its gradient with respect to the logits (through log_softmax).
Run with Debian's python (torch 1.13): /usr/bin/python3 scripts/golden/ctc_golden.py
"""
import json
import os

import torch

torch.manual_seed(1234)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'model', 'ctc', 'fixtures', 'ctc_loss_golden.json')


def case(name, batch, time, classes, labels, input_lengths, scale=2.0):
    logits = (torch.randn(batch, time, classes, dtype=torch.float64) * scale).requires_grad_(True)
    # torch wants [time, batch, classes] log-probabilities.
    log_probs = torch.log_softmax(logits, dim=-1).transpose(0, 1)
    target_lengths = [len(l) for l in labels]
    padded = torch.zeros(batch, max(max(target_lengths), 1), dtype=torch.long)
    for b, l in enumerate(labels):
        padded[b, :len(l)] = torch.tensor(l, dtype=torch.long)
    loss = torch.nn.functional.ctc_loss(
        log_probs, padded, torch.tensor(input_lengths), torch.tensor(target_lengths),
        blank=0, reduction='none', zero_infinity=True)
    loss.sum().backward()
    return {
        'name': name,
        'batch': batch, 'time': time, 'classes': classes,
        'logits': [round(v, 7) for v in logits.detach().flatten().tolist()],
        'labels': labels,
        'inputLengths': input_lengths,
        'loss': loss.detach().tolist(),
        'grad': [round(v, 9) for v in logits.grad.flatten().tolist()],
    }


cases = [
    # Small: repeats ("aa" needs a blank between), a single label, an empty label.
    case('small-repeats', 4, 6, 4, [[1, 1, 2], [3], [], [2, 3, 2]], [6, 5, 4, 6]),
    # Labels that cannot fit: 3 labels with a repeat need T >= 4, given 3 → loss 0, grad 0.
    case('impossible', 2, 5, 3, [[1, 1, 2], [2, 1]], [3, 5]),
    # Realistic size: the default 29-class alphabet, padded frames in the shorter utterances.
    case('alphabet29', 3, 40, 29,
         [[20, 23, 15], [8, 5, 12, 12, 15, 28, 23, 15, 18, 12, 4], [15, 14, 5, 28, 20, 23, 15]],
         [40, 33, 25]),
    # Peaked logits (scale 6), long-ish label with many repeats.
    case('peaked', 1, 30, 5, [[1, 1, 2, 2, 3, 3, 4, 4, 1, 1]], [30], scale=6.0),
]

with open(OUT, 'w') as f:
    json.dump({'generator': 'scripts/golden/ctc_golden.py', 'torch': torch.__version__, 'cases': cases}, f)
print('wrote', OUT, os.path.getsize(OUT), 'bytes')

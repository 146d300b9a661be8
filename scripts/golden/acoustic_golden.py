#!/usr/bin/python3
"""Golden values for the whole acoustic model (model/nn/acoustic-model.ts as the recognizer runs it):
raw features → global mean/std normalisation → frame stacking (last group zero-padded) →
recurrent layers → dense layer → log-softmax, from PyTorch.

Run with Debian's python (it has torch):  /usr/bin/python3 scripts/golden/acoustic_golden.py
Writes model/nn/fixtures/acoustic-golden.json.

The LSTM and GRU layers are torch.nn.LSTM / torch.nn.GRU modules (zero initial state); the peephole
LSTM, which torch lacks, is the hand-written cell of recurrent_golden.py (checked there against
nn.LSTM with zero peepholes). Inputs and weights are drawn in float32, the reference computed in
float64. Weights are stored under the model folder's names, in recurrent.ts's layout (torch's,
transposed; LSTM bias = b_ih + b_hh; GRU bias = b_ih, recurrentBias = b_hh).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from recurrent_golden import lstm_cell_trace  # noqa: E402

DT = torch.float64
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'model', 'nn', 'fixtures', 'acoustic-golden.json')
DIM = 39  # 13 cepstra + deltas + delta-deltas (DEFAULT_FEATURES)


def f32(*shape, scale=1.0, low=None):
    x = (torch.rand(*shape, dtype=torch.float32) * 2 - 1) * scale
    if low is not None:
        x = x.abs() + low
    return x.to(DT)


def lst(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def recurrent_layer(kind, x, units, weights, index):
    """Runs one layer from zero state; records its weights under layer{index}/…."""
    _, _, inp = x.shape
    gates = 3 if kind == 'gru' else 4
    k = 1 / units ** 0.5
    w_ih, w_hh = f32(gates * units, inp, scale=k), f32(gates * units, units, scale=k)
    b_ih, b_hh = f32(gates * units, scale=k), f32(gates * units, scale=k)
    name = f'layer{index}/'
    weights[name + 'kernel'] = w_ih.T
    weights[name + 'recurrentKernel'] = w_hh.T
    if kind == 'gru':
        weights[name + 'bias'] = b_ih
        weights[name + 'recurrentBias'] = b_hh
        mod = torch.nn.GRU(inp, units, batch_first=True).to(DT)
    else:
        weights[name + 'bias'] = b_ih + b_hh
    if kind == 'peephole':
        peep = f32(3, units, scale=k)
        weights[name + 'peepholes'] = peep
        zeros = torch.zeros(x.shape[0], units, dtype=DT)
        out, _, _, _ = lstm_cell_trace(x, w_ih, w_hh, b_ih + b_hh, zeros, zeros, peep)
        return out
    if kind == 'lstm':
        mod = torch.nn.LSTM(inp, units, batch_first=True).to(DT)
    with torch.no_grad():
        mod.weight_ih_l0.copy_(w_ih); mod.weight_hh_l0.copy_(w_hh)
        mod.bias_ih_l0.copy_(b_ih); mod.bias_hh_l0.copy_(b_hh)
        out, _ = mod(x)
    return out


def make_case(seed, arch, head, layers, units, stack, alphabet, batch, frames):
    torch.manual_seed(seed)
    classes = len(alphabet) + 1  # the CTC blank first
    raw = f32(batch, frames, DIM, scale=20.0)  # MFCC-like magnitudes
    mean, std = f32(DIM, scale=5.0), f32(DIM, scale=1.0, low=0.5)
    x = (raw - mean) / std  # [batch, frames, dim]
    steps = -(-frames // stack)
    x = torch.cat([x, torch.zeros(batch, steps * stack - frames, DIM, dtype=DT)], 1)  # [batch, steps*stack, dim]
    x = x.reshape(batch, steps, stack * DIM)  # [batch, steps, stack*dim]
    weights = {}
    for i in range(layers):
        kind = head if (i == layers - 1 and head) else arch
        x = recurrent_layer(kind, x, units, weights, i)  # [batch, steps, units]
    kernel, bias = f32(units, classes, scale=0.8), f32(classes, scale=0.2)
    weights['output/kernel'], weights['output/bias'] = kernel, bias
    log_probs = torch.log_softmax(x @ kernel + bias, dim=-1)  # [batch, steps, classes]
    architecture = {'arch': arch, 'layers': layers, 'units': units, 'stack': stack, 'alphabet': alphabet}
    if head:
        architecture['headArch'] = head
    return {
        'architecture': architecture,
        'batch': batch, 'frames': frames, 'steps': steps, 'classes': classes,
        'raw': lst(raw), 'mean': lst(mean), 'std': lst(std),
        'weights': {name: {'shape': list(t.shape), 'values': lst(t)} for name, t in weights.items()},
        'logProbs': lst(log_probs),
    }


def main():
    cases = [
        make_case(11, 'lstm', 'gru', 2, 6, 3, "abc '", 2, 7),  # stacking pads 7 frames to 9
        make_case(12, 'peephole', None, 1, 4, 1, 'xyz', 1, 5),
        make_case(13, 'gru', None, 2, 5, 2, "ab'", 2, 6),
    ]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as fh:
        json.dump({'generator': 'scripts/golden/acoustic_golden.py', 'cases': cases}, fh, separators=(',', ':'))
        fh.write('\n')
    print('wrote', os.path.relpath(OUT), os.path.getsize(OUT), 'bytes')


if __name__ == '__main__':
    main()

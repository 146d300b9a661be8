#!/usr/bin/python3
"""Golden values for model/nn recurrent layers (LSTM, peephole LSTM, GRU), from PyTorch.

Run with Debian's python (it has torch 1.13):  /usr/bin/python3 scripts/golden/recurrent_golden.py
Writes model/nn/fixtures/recurrent-golden.json.

Weights are drawn in float32 and everything is computed in float64, so the goldens are exact
references for a float32 implementation. Layout follows model/nn/recurrent.ts (PyTorch's, transposed):
  kernel          = weight_ih.T   [inputSize, gates*units]
  recurrentKernel = weight_hh.T   [units, gates*units]
  bias            = b_ih + b_hh (LSTM, peephole) | b_ih (GRU)
  recurrentBias   = b_hh (GRU only)
  peepholes       = [w_ci, w_cf, w_co]   [3, units] (peephole only)
Gradients are of loss = sum(output*R_out) + sum(h_n*R_h) + sum(c_n*R_c) with fixed random R.
nn.LSTM / nn.GRU give the forward and gradient goldens; hand-written cells give the per-step trace
(checked here against the modules) and the whole peephole case, which torch has no module for.
"""
import json
import os

import torch

torch.manual_seed(1234)
DT = torch.float64
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'model', 'nn', 'fixtures', 'recurrent-golden.json')


def f32(*shape, scale=0.5):
    # float32 draws, promoted to float64 for the reference math
    return ((torch.rand(*shape, dtype=torch.float32) * 2 - 1) * scale).to(DT)


def lst(t):
    return [round(float(v), 12) for v in t.detach().reshape(-1).tolist()]


def lstm_cell_trace(x, w_ih, w_hh, b, h0, c0, peep=None):
    """Classic LSTM (gates i, f, g, o), optionally with peepholes; returns outputs and per-step trace."""
    B, T, _ = x.shape
    H = h0.shape[1]
    h, c = h0, c0
    tr = {k: [] for k in ('inputGate', 'forgetGate', 'candidate', 'outputGate', 'cellState', 'hidden')}
    for t in range(T):
        z = x[:, t] @ w_ih.T + h @ w_hh.T + b
        zi, zf, zg, zo = z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:]
        if peep is not None:
            zi = zi + peep[0] * c
            zf = zf + peep[1] * c
        i, f, g = torch.sigmoid(zi), torch.sigmoid(zf), torch.tanh(zg)
        c = f * c + i * g
        if peep is not None:
            zo = zo + peep[2] * c
        o = torch.sigmoid(zo)
        h = o * torch.tanh(c)
        for k, v in (('inputGate', i), ('forgetGate', f), ('candidate', g), ('outputGate', o), ('cellState', c), ('hidden', h)):
            tr[k].append(v)
    trace = {k: torch.stack(v, 1) for k, v in tr.items()}
    return trace['hidden'], h, c, trace


def gru_cell_trace(x, w_ih, w_hh, b_ih, b_hh, h0):
    """PyTorch GRU: r, z, n with n = tanh(W_in x + b_in + r*(W_hn h + b_hn)), h' = (1-z)*n + z*h."""
    B, T, _ = x.shape
    H = h0.shape[1]
    h = h0
    tr = {k: [] for k in ('resetGate', 'updateGate', 'candidate', 'hidden')}
    for t in range(T):
        gx = x[:, t] @ w_ih.T + b_ih
        gh = h @ w_hh.T + b_hh
        r = torch.sigmoid(gx[:, :H] + gh[:, :H])
        z = torch.sigmoid(gx[:, H:2 * H] + gh[:, H:2 * H])
        n = torch.tanh(gx[:, 2 * H:] + r * gh[:, 2 * H:])
        h = (1 - z) * n + z * h
        for k, v in (('resetGate', r), ('updateGate', z), ('candidate', n), ('hidden', h)):
            tr[k].append(v)
    trace = {k: torch.stack(v, 1) for k, v in tr.items()}
    return trace['hidden'], h, trace


def load_module(mod, w_ih, w_hh, b_ih, b_hh):
    """A float64 torch module holding copies of the given weights."""
    mod = mod.to(DT)
    with torch.no_grad():
        mod.weight_ih_l0.copy_(w_ih); mod.weight_hh_l0.copy_(w_hh)
        mod.bias_ih_l0.copy_(b_ih); mod.bias_hh_l0.copy_(b_hh)
    return mod


def make_case(kind, B, T, D, H):
    gates = 3 if kind == 'gru' else 4
    k = 1 / H ** 0.5
    x = f32(B, T, D, scale=1.0).requires_grad_()
    w_ih = f32(gates * H, D, scale=k).requires_grad_()
    w_hh = f32(gates * H, H, scale=k).requires_grad_()
    b_ih = f32(gates * H, scale=k).requires_grad_()
    b_hh = f32(gates * H, scale=k).requires_grad_()
    h0 = f32(B, H).requires_grad_()
    c0 = f32(B, H).requires_grad_()
    peep = f32(3, H, scale=k).requires_grad_() if kind == 'peephole' else None
    r_out, r_h, r_c = f32(B, T, H, scale=1.0), f32(B, H, scale=1.0), f32(B, H, scale=1.0)

    if kind == 'lstm':
        mod = load_module(torch.nn.LSTM(D, H, batch_first=True), w_ih, w_hh, b_ih, b_hh)
        out, (hn, cn) = mod(x, (h0[None], c0[None]))
        hn, cn = hn[0], cn[0]
        _, _, _, trace = lstm_cell_trace(x, w_ih, w_hh, b_ih + b_hh, h0, c0)
        assert torch.allclose(trace['hidden'], out, atol=1e-12) and torch.allclose(trace['cellState'][:, -1], cn, atol=1e-12)
    elif kind == 'peephole':
        out, hn, cn, trace = lstm_cell_trace(x, w_ih, w_hh, b_ih + b_hh, h0, c0, peep)
    else:
        mod = load_module(torch.nn.GRU(D, H, batch_first=True), w_ih, w_hh, b_ih, b_hh)
        out, hn = mod(x, h0[None])
        hn = hn[0]
        cn = None
        _, _, trace = gru_cell_trace(x, w_ih, w_hh, b_ih, b_hh, h0)
        assert torch.allclose(trace['hidden'], out, atol=1e-12)

    loss = (out * r_out).sum() + (hn * r_h).sum() + ((cn * r_c).sum() if cn is not None else 0)
    loss.backward()
    if kind != 'peephole':
        # the module's own parameters received the weight gradients
        w_ih, w_hh, b_ih, b_hh = mod.weight_ih_l0, mod.weight_hh_l0, mod.bias_ih_l0, mod.bias_hh_l0

    case = {
        'kind': kind, 'batch': B, 'time': T, 'inputSize': D, 'units': H,
        'x': lst(x), 'h0': lst(h0),
        'kernel': lst(w_ih.T), 'recurrentKernel': lst(w_hh.T),
        'bias': lst(b_ih if kind == 'gru' else b_ih + b_hh),
        'output': lst(out), 'finalHidden': lst(hn),
        'lossOutput': lst(r_out), 'lossHidden': lst(r_h),
        'trace': {k: lst(v) for k, v in trace.items()},
        'grad': {
            'x': lst(x.grad), 'h0': lst(h0.grad),
            'kernel': lst(w_ih.grad.T), 'recurrentKernel': lst(w_hh.grad.T),
            # d/d(b_ih+b_hh) equals d/db_ih (= d/db_hh) since both enter only through their sum
            'bias': lst(b_ih.grad),
        },
    }
    if kind != 'gru':
        case['c0'] = lst(c0)
        case['finalCell'] = lst(cn)
        case['lossCell'] = lst(r_c)
        case['grad']['c0'] = lst(c0.grad)
        assert torch.allclose(b_ih.grad, b_hh.grad)
    else:
        case['recurrentBias'] = lst(b_hh)
        case['grad']['recurrentBias'] = lst(b_hh.grad)
    if peep is not None:
        case['peepholes'] = lst(peep)
        case['grad']['peepholes'] = lst(peep.grad)
    return case


def two_layer_lstm(B, T, D, H):
    """2-layer nn.LSTM (zero initial state): forward output and d(sum(out*R))/dx."""
    mod = torch.nn.LSTM(D, H, num_layers=2, batch_first=True).to(DT)
    k = 1 / H ** 0.5
    with torch.no_grad():
        for p in mod.parameters():
            p.copy_(f32(*p.shape, scale=k))
    x = f32(B, T, D, scale=1.0).requires_grad_()
    r_out = f32(B, T, H, scale=1.0)
    out, _ = mod(x)
    (out * r_out).sum().backward()
    layers = []
    for l in range(2):
        w_ih, w_hh = getattr(mod, f'weight_ih_l{l}'), getattr(mod, f'weight_hh_l{l}')
        b = getattr(mod, f'bias_ih_l{l}') + getattr(mod, f'bias_hh_l{l}')
        layers.append({'kernel': lst(w_ih.T), 'recurrentKernel': lst(w_hh.T), 'bias': lst(b),
                       'gradKernel': lst(w_ih.grad.T), 'gradRecurrentKernel': lst(w_hh.grad.T),
                       'gradBias': lst(getattr(mod, f'bias_ih_l{l}').grad)})
    return {'kind': 'lstm', 'batch': B, 'time': T, 'inputSize': D, 'units': H, 'x': lst(x),
            'layers': layers, 'output': lst(out), 'lossOutput': lst(r_out), 'gradX': lst(x.grad)}


def main():
    cases = [make_case(kind, 2, 5, 3, 4) for kind in ('lstm', 'peephole', 'gru')]
    fixture = {
        'generator': 'scripts/golden/recurrent_golden.py',
        'torch': torch.__version__,
        'cases': cases,
        'twoLayer': two_layer_lstm(2, 6, 3, 5),
    }
    with open(OUT, 'w') as fh:
        json.dump(fixture, fh, separators=(',', ':'))
    print('wrote', os.path.normpath(OUT), os.path.getsize(OUT), 'bytes')


if __name__ == '__main__':
    main()

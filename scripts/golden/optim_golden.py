#!/usr/bin/python3
"""Golden values for model/train/adam.ts and model/train/schedule.ts, from PyTorch's own classes.

Run with Debian's python (it has torch):  /usr/bin/python3 scripts/golden/optim_golden.py
Writes model/train/fixtures/optim-golden.json.

Adam: torch.optim.Adam over two float32-drawn parameters for 6 steps of given gradients and a
different learning rate each step (as the schedule gives), computed in float64. Our Adam is Kingma
& Ba's "efficient" form (end of section 2 of the paper): ε is added to sqrt(v) before the bias
correction is folded into the step size. torch divides sqrt(v) by sqrt(1 − β2^t) and then adds
eps, so setting eps_t = ε / sqrt(1 − β2^t) each step gives exactly (sqrt(v) + ε) / sqrt(1 − β2^t),
our denominator. The run with torch's plain ε is recorded too: it differs only where sqrt(v) is
near ε (the near-zero gradient planted in step 0).

Schedule: torch.optim.lr_scheduler.SequentialLR of LinearLR (warm-up: factor (s+1)/W at step s)
and CosineAnnealingLR (T_max = total − W, eta_min = minRatio × peak), read at every step.
"""
import json
import math
import os

import torch

torch.manual_seed(4321)
DT = torch.float64
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'model', 'train', 'fixtures', 'optim-golden.json')


def f32(*shape, scale=1.0):
    return ((torch.rand(*shape, dtype=torch.float32) * 2 - 1) * scale).to(DT)


def lst(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def adam_case(steps=6, plain_eps=False):
    torch.manual_seed(99)
    shapes = [(3, 4), (5,)]
    params = [torch.nn.Parameter(f32(*s)) for s in shapes]
    init = [lst(p) for p in params]
    grads = [[f32(*s, scale=2.0) for s in shapes] for _ in range(steps)]
    # One gradient entry near zero, where ε matters most.
    grads[0][1][0] = 1e-7
    lrs = [0.01 * (0.5 + 0.25 * t) for t in range(steps)]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    opt = torch.optim.Adam(params, lr=lrs[0], betas=(beta1, beta2), eps=eps)
    after = []
    for t in range(steps):
        for g in opt.param_groups:
            g['lr'] = lrs[t]
            g['eps'] = eps if plain_eps else eps / math.sqrt(1 - beta2 ** (t + 1))
        for p, g in zip(params, grads[t]):
            p.grad = g.clone()
        opt.step()
        after.append([lst(p) for p in params])
    return {
        'shapes': [list(s) for s in shapes],
        'initial': init,
        'gradients': [[lst(g) for g in step] for step in grads],
        'learningRates': lrs,
        'after': after,
    }


def schedule_case(peak, warmup, total, min_ratio):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=peak)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, total - warmup), eta_min=peak * min_ratio)
    if warmup > 0:
        linear = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1 / warmup, end_factor=1.0, total_iters=max(1, warmup - 1))
        sched = torch.optim.lr_scheduler.SequentialLR(opt, [linear, cosine], milestones=[warmup])
    else:
        sched = cosine
    rates = []
    for _ in range(total + 1):
        rates.append(opt.param_groups[0]['lr'])
        opt.step()
        sched.step()
    return {'peak': peak, 'warmupSteps': warmup, 'totalSteps': total, 'minRatio': min_ratio, 'rates': rates}


def main():
    fixture = {
        'adam': adam_case(),
        'adamPlainEps': adam_case(plain_eps=True),
        'schedules': [
            schedule_case(0.002, 100, 1000, 0.05),
            schedule_case(0.01, 2, 16, 0.1),
            schedule_case(0.001, 0, 50, 0.0),
        ],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as fh:
        json.dump(fixture, fh, separators=(',', ':'))
        fh.write('\n')
    print('wrote', os.path.relpath(OUT))


if __name__ == '__main__':
    main()

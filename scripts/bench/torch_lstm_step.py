#!/usr/bin/python3
"""PyTorch baseline for model/bench/recurrent-bench.ts: one training step (forward + BPTT + Adam) of
nn.LSTM (1 or 2 layers, 256 units) on an MFCC-like batch [32, 100, 39], dense to 29 classes, per-frame
softmax cross-entropy. Same shapes as /work/shared/docs/lstm-bench.md.

  /usr/bin/python3 scripts/bench/torch_lstm_step.py [--steps 10] [--layers 1 2] [--threads 2] [--loss frame|ctc]

Prints one JSON line per layer count: {"layers": n, "ms_per_step": median wall, "cpu_ms_per_step": median
process CPU time (all threads), ...}. On this shared 2-core machine 2 OpenMP threads collapse when another
job holds a core; compare with --threads 1 too.
Speed depends on the BLAS behind Debian's libblas.so.3 alternative: the reference libblas3 is
~10x slower than OpenBLAS (the `blas` field reports which library the process mapped).
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F


def mapped_blas():
    """The BLAS shared objects this process actually loaded (from /proc/self/maps)."""
    libs = set()
    with open('/proc/self/maps') as fh:
        for line in fh:
            path = line.split()[-1]
            if 'blas' in path or 'lapack' in path:
                libs.add(path)
    return sorted(libs)


def bench(layers, steps, batch=32, time_steps=100, features=39, units=256, classes=29, loss_kind='frame'):
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(features, units, num_layers=layers, batch_first=True)
    head = torch.nn.Linear(units, classes)
    params = list(lstm.parameters()) + list(head.parameters())
    optimizer = torch.optim.Adam(params, lr=1e-3)
    x = torch.randn(batch, time_steps, features)
    labels = torch.randint(0, classes, (batch, time_steps))
    # CTC, as the engine trains: 15 labels (1..classes-1; 0 is the blank) per utterance, the
    # per-utterance negative log-likelihoods averaged over the batch (not over label lengths).
    ctc_targets = torch.randint(1, classes, (batch, 15))
    ctc_input_lengths = torch.full((batch,), time_steps, dtype=torch.long)
    ctc_target_lengths = torch.full((batch,), 15, dtype=torch.long)

    def step():
        optimizer.zero_grad()
        out, _ = lstm(x)  # [batch, time, units]
        logits = head(out)  # [batch, time, classes]
        if loss_kind == 'ctc':
            log_probs = logits.log_softmax(2).transpose(0, 1)  # [time, batch, classes]
            loss = F.ctc_loss(log_probs, ctc_targets, ctc_input_lengths, ctc_target_lengths, blank=0,
                              reduction='sum', zero_infinity=True) / batch
        else:
            loss = F.cross_entropy(logits.reshape(-1, classes), labels.reshape(-1))
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(3):
        step()
    times, cpu_times = [], []
    for _ in range(steps):
        t0, c0 = time.perf_counter(), time.process_time()
        step()
        times.append((time.perf_counter() - t0) * 1000)
        cpu_times.append((time.process_time() - c0) * 1000)
    return statistics.median(times), min(times), statistics.median(cpu_times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=10)
    ap.add_argument('--layers', type=int, nargs='+', default=[1, 2])
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--loss', choices=['frame', 'ctc'], default='frame',
                    help='per-frame cross-entropy (recurrent-bench.ts) or CTC (the engine\'s training step)')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    for layers in args.layers:
        median, best, cpu = bench(layers, args.steps, loss_kind=args.loss)
        print(json.dumps({'impl': 'torch.nn.LSTM', 'loss': args.loss, 'torch': torch.__version__, 'threads': torch.get_num_threads(),
                          'blas': mapped_blas(), 'layers': layers, 'units': 256, 'batch': 32, 'time': 100,
                          'features': 39, 'steps': args.steps, 'ms_per_step': round(median, 2), 'min_ms': round(best, 2),
                          'cpu_ms_per_step': round(cpu, 2)}))


if __name__ == '__main__':
    main()

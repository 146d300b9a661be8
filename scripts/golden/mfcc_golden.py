#!/usr/bin/python3
"""Golden MFCC values for model/features (run with Debian's /usr/bin/python3: numpy + scipy).

Written from the front-end specification (shared/docs/meyda-mfcc.md §4.1 and the feature issue),
not ported from the TypeScript: whole-signal framing by index arithmetic, numpy's real FFT,
a dense mel matrix, scipy's orthonormal DCT, deltas through np.pad(mode="edge").

Spec:
  16 kHz float input; frames of 400 samples every 160; the signal is zero-extended so that
  frames = 1 + ceil((L - 400) / 160) (>= 1 for non-empty input); per frame: subtract the mean
  of the 400 samples, pre-emphasis 0.97 inside the frame (y[0] = x[0] - 0.97 x[0], HTK/Kaldi),
  symmetric Hamming 0.54 - 0.46 cos(2 pi n / 399), zero-pad to 512, |rfft|^2 (bins 0..256),
  40 triangles linear on the HTK mel axis (1127 ln(1 + f/700)) with edges evenly spaced in mel
  from 20 to 7600 Hz, peak 1; ln(max(E, 1e-10)); DCT-II orthonormal, keep 13;
  deltas: HTK regression, window 2, edges replicated; delta-deltas = deltas of deltas.

Writes model/features/fixtures/mfcc_golden.json (arrays as base64 little-endian, see "encoding").
"""
import base64
import json
import math
import os
import wave

import numpy as np
from scipy.fft import dct

CFG = dict(sampleRate=16000, frameLength=400, hopLength=160, fftSize=512, preEmphasis=0.97,
           melBands=40, fMin=20.0, fMax=7600.0, logFloor=1e-10, energyFloor=1e-7, numCepstra=13, deltaWindow=2)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(REPO, "model", "features", "fixtures", "mfcc_golden.json")
WAV = "/work/shared/data/an4/wav/fash/an251-fash-b.wav"


def mel(hz):
    return 1127.0 * np.log1p(np.asarray(hz, dtype=np.float64) / 700.0)


def mel_matrix(cfg):
    """[bands, fft/2+1] triangle weights, evaluated at each bin's mel value."""
    n_bins = cfg["fftSize"] // 2 + 1
    bin_mel = mel(np.arange(n_bins) * cfg["sampleRate"] / cfg["fftSize"])
    edges = np.linspace(mel(cfg["fMin"]), mel(cfg["fMax"]), cfg["melBands"] + 2)
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (bin_mel[None, :] - lo) / (mid - lo)
    falling = (hi - bin_mel[None, :]) / (hi - mid)
    return np.clip(np.minimum(rising, falling), 0.0, None)


def cepstra(pcm, cfg):
    pcm = np.asarray(pcm, dtype=np.float64)
    L, N, H = len(pcm), cfg["frameLength"], cfg["hopLength"]
    if L == 0:
        return np.zeros((0, cfg["numCepstra"]))
    frames = max(1, 1 + math.ceil((L - N) / H))
    padded = np.zeros((frames - 1) * H + N)
    padded[:L] = pcm
    idx = np.arange(frames)[:, None] * H + np.arange(N)[None, :]
    x = padded[idx]                                         # [frames, N]
    x = x - x.mean(axis=1, keepdims=True)
    x = np.concatenate([x[:, :1] * (1 - cfg["preEmphasis"]),
                        x[:, 1:] - cfg["preEmphasis"] * x[:, :-1]], axis=1)
    x = x * np.hamming(N)[None, :]                          # numpy's Hamming is the symmetric one
    spec = np.fft.rfft(x, n=cfg["fftSize"], axis=1)         # [frames, fft/2+1]
    power = spec.real ** 2 + spec.imag ** 2
    energies = power @ mel_matrix(cfg).T                     # [frames, bands]
    logmel = np.log(np.maximum(energies + cfg["energyFloor"], cfg["logFloor"]))
    return dct(logmel, type=2, norm="ortho", axis=1)[:, :cfg["numCepstra"]]


def regression(x, W):
    T = x.shape[0]
    padded = np.pad(x, ((W, W), (0, 0)), mode="edge")
    num = sum(n * (padded[W + n:W + n + T] - padded[W - n:W - n + T]) for n in range(1, W + 1))
    return num / (2 * sum(n * n for n in range(1, W + 1)))


def features(pcm, cfg):
    c = cepstra(pcm, cfg)
    d = regression(c, cfg["deltaWindow"])
    dd = regression(d, cfg["deltaWindow"])
    return np.concatenate([c, d, dd], axis=1)


def b64(array, dtype):
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def synthetic_signal():
    """0.5 s + 37 samples (a partial last frame): linear chirp 100→6000 Hz plus seeded noise."""
    sr, L = 16000, 8037
    t = np.arange(L) / sr
    f0, f1, T = 100.0, 6000.0, L / sr
    chirp = 0.5 * np.sin(2 * np.pi * (f0 * t + (f1 - f0) * t * t / (2 * T)))
    noise = 0.05 * np.random.default_rng(1234).standard_normal(L)
    return (chirp + noise).astype(np.float32)


def read_wav_int16(path):
    with wave.open(path, "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2 and w.getframerate() == 16000, path
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def case(name, pcm_float32, extra):
    feats = features(pcm_float32.astype(np.float64), CFG)
    return dict(name=name, samples=int(len(pcm_float32)), frames=int(feats.shape[0]),
                dim=int(feats.shape[1]), features=b64(feats, "<f8"), **extra)


def main():
    synth = synthetic_signal()
    pcm16 = read_wav_int16(WAV)
    real = (pcm16.astype(np.float32) / np.float32(32768.0)).astype(np.float32)
    out = dict(
        generator="scripts/golden/mfcc_golden.py",
        encoding="base64 little-endian; pcmFloat32: float32 samples; pcmInt16: int16 samples "
                 "(divide by 32768 as float32); features: float64 [frames x dim] row-major",
        config=CFG,
        cases=[
            case("synthetic-chirp-noise", synth, dict(pcmFloat32=b64(synth, "<f4"))),
            case("an4/fash/an251-fash-b.wav", real, dict(pcmInt16=b64(pcm16, "<i2"))),
            # Edge cases: shorter than one frame (one zero-padded frame), a single sample,
            # exactly one frame, one frame plus one sample (a second, nearly empty frame).
            case("short-399", synth[:399], dict(pcmFloat32=b64(synth[:399], "<f4"))),
            case("one-sample", synth[100:101], dict(pcmFloat32=b64(synth[100:101], "<f4"))),
            case("exactly-400", synth[:400], dict(pcmFloat32=b64(synth[:400], "<f4"))),
            case("401", synth[:401], dict(pcmFloat32=b64(synth[:401], "<f4"))),
        ],
    )
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
    for c in out["cases"]:
        print(c["name"], c["samples"], "samples", c["frames"], "frames x", c["dim"])
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()

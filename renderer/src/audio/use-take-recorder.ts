/**
 * One prompted take for a dataset: the same capture path as live recording (AudioWorklet, 16 kHz,
 * no browser processing), but the take is collected whole in the page and handed over when it
 * stops, because a dataset item is saved in one piece (api.addDatasetRecording). A take stops by
 * itself at LIMITS.maxChunkSamples (10 s), the most one message may carry.
 */
import { useCallback, useRef, useState } from 'react';
import { LIMITS } from '../../../contract/contract.ts';
import { errorText } from '../api.ts';
import { startCapture, type Capture } from './capture.ts';

export type TakeState = 'idle' | 'starting' | 'recording' | 'stopping';

export interface TakeRecorder {
  state: TakeState;
  /** RMS of the latest 100 ms, dBFS (the live level check). */
  levelDb: number;
  /** Highest |sample| so far in this take (clipping shows as 1.0). */
  peak: number;
  error: string | null;
  start(deviceId: string): Promise<void>;
  /** Stops and resolves with the whole take (null if nothing was recording). */
  stop(): Promise<Float32Array | null>;
}

function join(parts: Float32Array[]): Float32Array {
  const total = parts.reduce((n, part) => n + part.length, 0);
  const out = new Float32Array(Math.min(total, LIMITS.maxChunkSamples));
  let offset = 0;
  for (const part of parts) {
    const room = out.length - offset;
    if (room <= 0) break;
    out.set(part.length > room ? part.subarray(0, room) : part, offset);
    offset += Math.min(part.length, room);
  }
  return out;
}

export function useTakeRecorder(onAutoStop: (pcm: Float32Array) => void): TakeRecorder {
  const [state, setState] = useState<TakeState>('idle');
  const [levelDb, setLevelDb] = useState(-100);
  const [peak, setPeak] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const take = useRef<{ capture: Capture | null; parts: Float32Array[]; samples: number; stopping: boolean } | null>(null);
  const autoStop = useRef(onAutoStop);
  autoStop.current = onAutoStop;

  const stop = useCallback(async (): Promise<Float32Array | null> => {
    const current = take.current;
    if (!current?.capture || current.stopping) return null;
    current.stopping = true;
    setState('stopping');
    try {
      const rest = await current.capture.stop();
      if (rest.length > 0) current.parts.push(rest);
      return join(current.parts);
    } catch (caught) {
      setError(`Stopping the microphone failed: ${errorText(caught)}`);
      return null;
    } finally {
      take.current = null;
      setLevelDb(-100);
      setState('idle');
    }
  }, []);

  const start = useCallback(async (deviceId: string) => {
    if (take.current) return;
    setError(null);
    setPeak(0);
    setState('starting');
    const current: { capture: Capture | null; parts: Float32Array[]; samples: number; stopping: boolean } = { capture: null, parts: [], samples: 0, stopping: false };
    take.current = current;
    try {
      current.capture = await startCapture(deviceId, {
        onChunk(pcm, level) {
          if (take.current !== current || current.stopping) return;
          current.parts.push(pcm);
          current.samples += pcm.length;
          let chunkPeak = 0;
          for (const sample of pcm) chunkPeak = Math.max(chunkPeak, Math.abs(sample));
          setLevelDb(level);
          setPeak((previous) => Math.max(previous, chunkPeak));
          if (current.samples >= LIMITS.maxChunkSamples) void stop().then((pcm16k) => pcm16k && autoStop.current(pcm16k));
        },
      });
      setState('recording');
    } catch (caught) {
      take.current = null;
      setError(`Could not start recording: ${errorText(caught)}`);
      setState('idle');
    }
  }, [stop]);

  return { state, levelDb, peak, error, start, stop };
}

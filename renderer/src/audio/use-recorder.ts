/**
 * The recording session as a React hook: microphone → worklet chunks → api.pushAudio in order
 * (never two pushes in flight, and chunks that pile up while the engine is busy are sent
 * together, so nothing is dropped) → partial text and the live timeline → api.stopRecording.
 */
import { useCallback, useRef, useState } from 'react';
import { LIMITS, type TranscriptDTO } from '../../../contract/contract.ts';
import { errorText, getApi } from '../api.ts';
import { timelineStore } from '../inspect/timeline-store.ts';
import { startCapture, type Capture } from './capture.ts';

export type RecorderState = 'idle' | 'starting' | 'recording' | 'stopping';

export interface Recorder {
  state: RecorderState;
  partial: string;
  final: TranscriptDTO | null;
  /** RMS level of the latest chunk, dBFS. */
  levelDb: number;
  error: string | null;
  deviceLabel: string;
  start(deviceId: string): Promise<void>;
  stop(): Promise<void>;
}

/** Joins queued chunks, at most `LIMITS.maxChunkSamples` per push. */
function takeBatch(queue: Float32Array[]): Float32Array {
  let total = 0;
  let count = 0;
  while (count < queue.length && total + queue[count].length <= LIMITS.maxChunkSamples) total += queue[count++].length;
  if (count === 0) count = 1; // a single oversized chunk cannot happen (the worklet sends 1600), but never loop forever
  const parts = queue.splice(0, count);
  if (parts.length === 1) return parts[0];
  const batch = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    batch.set(part, offset);
    offset += part.length;
  }
  return batch;
}

export function useRecorder(): Recorder {
  const [state, setState] = useState<RecorderState>('idle');
  const [partial, setPartial] = useState('');
  const [final, setFinal] = useState<TranscriptDTO | null>(null);
  const [levelDb, setLevelDb] = useState(-100);
  const [error, setError] = useState<string | null>(null);
  const [deviceLabel, setDeviceLabel] = useState('');
  const session = useRef<{ id: string; capture: Capture | null; queue: Float32Array[]; pumping: Promise<void> | null; failed: boolean } | null>(null);

  const pump = useCallback((): Promise<void> => {
    const current = session.current;
    if (!current) return Promise.resolve();
    if (current.pumping) return current.pumping;
    current.pumping = (async () => {
      try {
        while (current.queue.length > 0 && !current.failed) {
          const update = await getApi().pushAudio(current.id, takeBatch(current.queue));
          setPartial(update.partial);
          timelineStore.appendInspection(update.inspection);
        }
      } catch (caught) {
        current.failed = true;
        setError(`Sending audio to the engine failed: ${errorText(caught)}`);
      } finally {
        current.pumping = null;
      }
    })();
    return current.pumping;
  }, []);

  const start = useCallback(async (deviceId: string) => {
    if (session.current) return;
    setError(null);
    setPartial('');
    setFinal(null);
    setState('starting');
    try {
      const { sessionId } = await getApi().startRecording();
      session.current = { id: sessionId, capture: null, queue: [], pumping: null, failed: false };
      timelineStore.startLive('Live recording');
      const capture = await startCapture(deviceId, {
        onChunk(pcm, level) {
          const current = session.current;
          if (!current || current.id !== sessionId) return;
          setLevelDb(level);
          timelineStore.appendAudio(pcm);
          current.queue.push(pcm);
          void pump();
        },
      });
      if (session.current?.id === sessionId) session.current.capture = capture;
      setDeviceLabel(capture.deviceLabel);
      setState('recording');
    } catch (caught) {
      const current = session.current;
      session.current = null;
      if (current) void getApi().stopRecording(current.id).catch(() => undefined);
      setError(`Could not start recording: ${errorText(caught)}`);
      setState('idle');
    }
  }, [pump]);

  const stop = useCallback(async () => {
    const current = session.current;
    if (!current || !current.capture) return;
    setState('stopping');
    try {
      const rest = await current.capture.stop();
      if (rest.length > 0) {
        timelineStore.appendAudio(rest);
        current.queue.push(rest);
      }
      await pump();
      const { transcript, inspection } = await getApi().stopRecording(current.id);
      setFinal(transcript);
      setPartial(transcript.text);
      timelineStore.show(transcript.title, inspection, timelineStore.get().pcm.slice());
    } catch (caught) {
      setError(`Finishing the recording failed: ${errorText(caught)}`);
    } finally {
      session.current = null;
      setLevelDb(-100);
      setState('idle');
    }
  }, [pump]);

  return { state, partial, final, levelDb, error, deviceLabel, start, stop };
}

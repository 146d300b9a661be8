/**
 * Microphone capture: getUserMedia with every browser "improvement" off (echo cancellation, noise
 * suppression and gain control all change the signal the model was trained on), an AudioContext
 * at 16 kHz, and the capture worklet delivering 100 ms chunks.
 */
import type { WorkletMessage } from './capture-worklet.ts';

export interface CaptureHandlers {
  /** A 100 ms chunk of 16 kHz mono audio and its RMS level. */
  onChunk(pcm: Float32Array, levelDb: number): void;
}

export interface Capture {
  /** The rate the context actually runs at (16000 unless the platform refused). */
  readonly sampleRate: number;
  readonly deviceLabel: string;
  /** Stops the microphone; resolves with the last partial chunk (may be empty). */
  stop(): Promise<Float32Array>;
}

/** The audio inputs the browser knows about (labels appear once permission was granted). */
export async function listMicrophones(): Promise<MediaDeviceInfo[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices.filter((device) => device.kind === 'audioinput');
}

/** Opens the microphone (`deviceId` '' = default) and starts delivering chunks. */
export async function startCapture(deviceId: string, handlers: CaptureHandlers): Promise<Capture> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: {
      ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
    },
  });
  // Built right after getUserMedia: the device starts at getUserMedia, anything before the
  // worklet is connected is lost.
  const context = new AudioContext({ sampleRate: 16_000 });
  try {
    // The browser resamples the microphone to the context's rate; the engine takes 16 kHz only.
    if (context.sampleRate !== 16_000) throw new Error(`the audio system opened at ${context.sampleRate} Hz instead of 16000 Hz; recording needs 16 kHz`);
    await context.audioWorklet.addModule(new URL('./capture-worklet.js', document.baseURI).href);
    const node = new AudioWorkletNode(context, 'cellscribe-capture', {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      processorOptions: { chunkSamples: 1600 },
    });
    const source = context.createMediaStreamSource(stream);
    let resolveFlush: ((pcm: Float32Array) => void) | null = null;
    node.port.onmessage = (event: MessageEvent<WorkletMessage>) => {
      const message = event.data;
      if (message.type === 'chunk') handlers.onChunk(message.pcm, message.levelDb);
      else if (message.type === 'flushed') resolveFlush?.(message.pcm);
    };
    source.connect(node);
    if (context.state === 'suspended') await context.resume();
    const label = stream.getAudioTracks()[0]?.label ?? '';
    return {
      sampleRate: context.sampleRate,
      deviceLabel: label,
      async stop() {
        const rest = await new Promise<Float32Array>((resolve) => {
          resolveFlush = resolve;
          node.port.postMessage('flush');
          // A closed or stalled context never answers; don't hang the UI on it.
          setTimeout(() => resolve(new Float32Array(0)), 500);
        });
        source.disconnect();
        for (const track of stream.getTracks()) track.stop();
        await context.close();
        return rest;
      },
    };
  } catch (error) {
    for (const track of stream.getTracks()) track.stop();
    await context.close();
    throw error;
  }
}

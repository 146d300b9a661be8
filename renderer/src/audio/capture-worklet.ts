/**
 * AudioWorklet module (bundled on its own to capture-worklet.js): gathers the microphone's render
 * quanta into 100 ms chunks of 16 kHz mono on the audio thread, so the main thread only ever
 * handles ten small messages a second and a busy UI cannot drop audio.
 */
import { Chunker, levelDbfs } from './chunker.ts';

// The worklet global scope has no lib in TypeScript; declare the little it uses.
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new (options: { processorOptions?: { chunkSamples?: number } }) => AudioWorkletProcessor): void;

/** Messages from the worklet to the page. */
export type WorkletMessage = { type: 'chunk'; pcm: Float32Array; levelDb: number } | { type: 'flushed'; pcm: Float32Array };

class CaptureProcessor extends AudioWorkletProcessor {
  private readonly chunker: Chunker;
  private stopped = false;

  constructor(options: { processorOptions?: { chunkSamples?: number } }) {
    super();
    this.chunker = new Chunker(sampleRate, options.processorOptions?.chunkSamples ?? 1600);
    this.port.onmessage = (event: MessageEvent) => {
      if (event.data === 'flush') {
        this.stopped = true;
        const pcm = this.chunker.flush();
        this.port.postMessage({ type: 'flushed', pcm } satisfies WorkletMessage, [pcm.buffer]);
      }
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.stopped) return false;
    const channels = inputs[0];
    if (channels && channels.length > 0) {
      for (const pcm of this.chunker.push(channels)) {
        this.port.postMessage({ type: 'chunk', pcm, levelDb: levelDbfs(pcm) } satisfies WorkletMessage, [pcm.buffer]);
      }
    }
    return true;
  }
}

registerProcessor('cellscribe-capture', CaptureProcessor as unknown as new (options: { processorOptions?: { chunkSamples?: number } }) => AudioWorkletProcessor);

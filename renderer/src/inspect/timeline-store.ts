/**
 * What the "look inside" timeline shows: a live recording growing chunk by chunk, or a finished
 * transcript. A small external store rather than React state, so that ten updates a second only
 * mark the canvases dirty (they redraw in requestAnimationFrame) instead of re-rendering React.
 */
import type { InspectionDTO } from '../../../contract/contract.ts';
import { appendInspection, emptyInspection } from './timeline-data.ts';

export interface TimelineSnapshot {
  title: string;
  live: boolean;
  inspection: InspectionDTO;
  /** The audio, 16 kHz mono. */
  pcm: Float32Array;
  pcmLength: number;
  /** Bumped on every change. */
  version: number;
}

export class TimelineStore {
  private snapshot: TimelineSnapshot = { title: '', live: false, inspection: emptyInspection(), pcm: new Float32Array(0), pcmLength: 0, version: 0 };
  private readonly listeners = new Set<() => void>();
  // Audio grows by doubling so that appending 100 ms chunks stays linear overall.
  private pcmBuffer = new Float32Array(16_000 * 10);

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get = (): TimelineSnapshot => this.snapshot;

  private update(patch: Partial<TimelineSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch, version: this.snapshot.version + 1 };
    for (const listener of this.listeners) listener();
  }

  /** Starts an empty live timeline. */
  startLive(title: string): void {
    this.pcmBuffer = new Float32Array(16_000 * 10);
    this.update({ title, live: true, inspection: emptyInspection(), pcm: this.pcmBuffer.subarray(0, 0), pcmLength: 0 });
  }

  appendAudio(pcm: Float32Array): void {
    const length = this.snapshot.pcmLength + pcm.length;
    if (length > this.pcmBuffer.length) {
      const grown = new Float32Array(Math.max(length, this.pcmBuffer.length * 2));
      grown.set(this.pcmBuffer.subarray(0, this.snapshot.pcmLength));
      this.pcmBuffer = grown;
    }
    this.pcmBuffer.set(pcm, this.snapshot.pcmLength);
    this.update({ pcm: this.pcmBuffer.subarray(0, length), pcmLength: length });
  }

  appendInspection(chunk: InspectionDTO): void {
    this.update({ inspection: appendInspection(this.snapshot.inspection, chunk) });
  }

  /** Shows a finished result (replacing the live one: the final pass equals offline). */
  show(title: string, inspection: InspectionDTO, pcm: Float32Array): void {
    this.update({ title, live: false, inspection, pcm, pcmLength: pcm.length });
  }
}

/** The app's one timeline. */
export const timelineStore = new TimelineStore();

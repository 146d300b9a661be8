/**
 * Checks that run inside the page. They are strings because this file is compiled in the Node
 * program (no DOM types); each returns plain JSON.
 */
import type { Page } from 'playwright-core';

export interface CanvasStats {
  width: number;
  height: number;
  /** Pixels that are not fully transparent. */
  painted: number;
  /** Distinct RGB colours among the painted pixels (quantised to 4 bits per channel). */
  colours: number;
  frames: number;
  units: number;
}

/** Pixel statistics of the canvas with `data-testid=testId`, and its data-frames/data-units. */
export function canvasStats(page: Page, testId: string): Promise<CanvasStats> {
  return page.evaluate(`(() => {
    const canvas = document.querySelector('[data-testid="${testId}"]');
    if (!canvas) throw new Error('no canvas ${testId}');
    const { width, height } = canvas;
    const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    let painted = 0;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      painted++;
      colours.add((data[i] >> 4) << 8 | (data[i + 1] >> 4) << 4 | (data[i + 2] >> 4));
    }
    return { width, height, painted, colours: colours.size, frames: Number(canvas.dataset.frames), units: Number(canvas.dataset.units) };
  })()`) as Promise<CanvasStats>;
}

/** Waits until `test` (a JS expression evaluated in the page) is truthy. */
export async function waitForPage(page: Page, expression: string, timeoutMs = 20_000): Promise<void> {
  // A function, not a string: Playwright evals string predicates inside the page, which the
  // app's CSP (no 'unsafe-eval') rightly refuses; a function is sent through the debugger protocol.
  const predicate = new Function(`return (${expression});`) as () => unknown;
  await page.waitForFunction(predicate, undefined, { timeout: timeoutMs, polling: 100 });
}

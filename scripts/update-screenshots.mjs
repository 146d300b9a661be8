#!/usr/bin/env node
// Copies the documented screenshots from the last e2e run (artifacts/, written by `npm run e2e`)
// into docs/screenshots, shrunk with pngquant (apt: pngquant) when it is installed: the heatmap
// shots are ~700 KB as Chromium writes them and ~200 KB quantised, with no visible loss.
// Usage: node scripts/update-screenshots.mjs   (after `npm run e2e`)
import { copyFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

/** The screenshots the README and docs/screenshots/README.md show. */
const SHOTS = [
  'record-1-live-partial', 'record-2-final', 'inspect-2-final-layer1', 'inspect-2-silence-trimmed', 'inspect-3-ctc-explained',
  'files-1-queue-done', 'library-1-detail', 'library-2-editing-words', 'library-3-follow-along', 'settings-1-custom-list',
  'engine-crash-banner', 'about-box', 'voice-fake-2-train', 'finetune-2-training', 'finetune-4-before-after',
];
const from = 'artifacts';
const to = join('docs', 'screenshots');
const missing = SHOTS.filter((name) => !existsSync(join(from, `${name}.png`)));
if (missing.length > 0) {
  console.error(`update-screenshots: not in ${from}/ (run npm run e2e first): ${missing.join(', ')}`);
  process.exit(1);
}
const hasPngquant = spawnSync('pngquant', ['--version']).status === 0;
if (!hasPngquant) console.warn('update-screenshots: pngquant not found; copying the PNGs as they are');
for (const name of SHOTS) {
  const source = join(from, `${name}.png`);
  const target = join(to, `${name}.png`);
  if (hasPngquant) {
    const result = spawnSync('pngquant', ['--force', '--skip-if-larger', '--quality', '70-95', '--strip', '--output', target, source], { encoding: 'utf8' });
    // 98/99: quality or size not reached; the original is kept then.
    if (result.status !== 0) copyFileSync(source, target);
  } else copyFileSync(source, target);
  console.log(`${target}  ${Math.round(statSync(source).size / 1024)} KB → ${Math.round(statSync(target).size / 1024)} KB`);
}

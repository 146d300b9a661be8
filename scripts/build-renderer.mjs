#!/usr/bin/env node
// Bundles the renderer into out/renderer/: index.html (copied), assets/main.js + assets/main.css
// (React app and its stylesheet) and capture-worklet.js (the AudioWorklet module, which the
// browser loads by URL and so must be a file of its own). Classic scripts (IIFE), so the page
// loads the same from http://127.0.0.1 in tests and file:// in Electron.
// Usage: node scripts/build-renderer.mjs [--dev]   (--dev: no minification, inline source maps)
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'out', 'renderer');
const dev = process.argv.includes('--dev');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(join(outDir, 'assets'), { recursive: true });

const common = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome120'],
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
};

const started = Date.now();
await Promise.all([
  build({
    ...common,
    entryPoints: { main: join(root, 'renderer/src/main.tsx') },
    outdir: join(outDir, 'assets'),
    jsx: 'automatic',
    loader: { '.css': 'css' },
  }),
  build({
    ...common,
    entryPoints: [join(root, 'renderer/src/audio/capture-worklet.ts')],
    outfile: join(outDir, 'capture-worklet.js'),
  }),
]);
copyFileSync(join(root, 'renderer/index.html'), join(outDir, 'index.html'));
console.log(`build-renderer: out/renderer in ${Date.now() - started} ms${dev ? ' (dev)' : ''}`);

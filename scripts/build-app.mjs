#!/usr/bin/env node
// Bundles the Electron side into out/: main (ESM, out/main/index.js), the preload (CommonJS,
// as sandboxed preloads must be: out/preload/index.cjs) and the engine worker (ESM,
// out/engine/worker.js). npm packages stay external (electron-builder ships node_modules), so
// tfjs, its wasm files and the optional native tfjs-node* bindings load from their own folders.
// Fails when the main bundle contains tfjs: main must never load it (it runs in the worker).
// Usage: node scripts/build-app.mjs [--dev]
import { build } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'out');
const dev = process.argv.includes('--dev');

for (const dir of ['main', 'preload', 'engine']) {
  rmSync(join(out, dir), { recursive: true, force: true });
  mkdirSync(join(out, dir), { recursive: true });
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: dev ? 'inline' : false,
  minify: false,
  logLevel: 'warning',
  metafile: true,
};

const started = Date.now();
const [main, preload, worker] = await Promise.all([
  build({ ...common, entryPoints: [join(root, 'electron/main/index.ts')], outfile: join(out, 'main/index.js'), format: 'esm', packages: 'external' }),
  // The sandboxed preload can require only 'electron' (and a few built-ins): everything else is bundled in.
  build({ ...common, entryPoints: [join(root, 'electron/preload/index.ts')], outfile: join(out, 'preload/index.cjs'), format: 'cjs', platform: 'node', external: ['electron'] }),
  build({ ...common, entryPoints: [join(root, 'app/engine/worker.ts')], outfile: join(out, 'engine/worker.js'), format: 'esm', packages: 'external' }),
  // Data-parallel training's threads, started by the engine worker from beside its own file.
  build({ ...common, entryPoints: [join(root, 'model/train/gradient-worker.ts')], outfile: join(out, 'engine/gradient-worker.js'), format: 'esm', packages: 'external' }),
]);

const importsOf = (result) => Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
const tfInMain = importsOf(main).filter((p) => p.includes('@tensorflow'));
if (tfInMain.length > 0) {
  console.error(`build-app: the main bundle imports ${tfInMain.join(', ')}; tfjs must load only in the engine worker`);
  process.exit(1);
}
const preloadImports = importsOf(preload).filter((p) => p !== 'electron');
if (preloadImports.length > 0) {
  console.error(`build-app: the sandboxed preload may import only electron, got ${preloadImports.join(', ')}`);
  process.exit(1);
}
if (!importsOf(worker).some((p) => p.startsWith('@tensorflow/tfjs'))) {
  console.error('build-app: the engine worker bundle does not import @tensorflow/tfjs; something is wrong with the entry');
  process.exit(1);
}
console.log(`build-app: out/main, out/preload, out/engine built in ${Date.now() - started} ms`);

#!/usr/bin/env node
// Bundles the Electron side into out/: main (ESM, out/main/index.js), the preload (CommonJS,
// as sandboxed preloads must be: out/preload/index.cjs) and the engine worker (ESM,
// out/engine/worker.js, and the data-parallel training threads' out/engine/gradient-worker.js). npm packages are bundled in, so the package ships no node_modules
// (app.asar carries only what runs, see scripts/package-check.mjs). Two things stay outside:
// the optional native tfjs-node* bindings (imported by a computed name; found in node_modules
// when present) and tfjs-backend-wasm's .wasm binaries, copied to out/engine/wasm/, which the
// engine hands to setWasmPaths (electron-builder unpacks them from the archive).
// Fails when the main bundle contains tfjs: main must never load it (it runs in the worker).
// Usage: node scripts/build-app.mjs [--dev]
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'out');
const dev = process.argv.includes('--dev');

for (const dir of ['main', 'preload', 'engine']) {
  rmSync(join(out, dir), { recursive: true, force: true });
  mkdirSync(join(out, dir), { recursive: true });
}

const require = createRequire(import.meta.url);

// audio-decode lists decoders for formats whose packages npm may not have installed (optional
// long-tail codecs): leave those imports as they are, to fail at run time with "not installed"
// exactly as they do unbundled, instead of failing the build.
const missingStaysExternal = {
  name: 'missing-stays-external',
  setup(b) {
    b.onResolve({ filter: /^@audio\/decode-/ }, (args) => {
      try {
        createRequire(join(args.resolveDir, 'x.js')).resolve(`${args.path}/package.json`);
        return undefined;
      } catch {
        return { path: args.path, external: true };
      }
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: dev ? 'inline' : false,
  minify: false,
  logLevel: 'warning',
  metafile: true,
  // Bundled CommonJS packages call require() for Node built-ins and read __dirname (the wasm
  // backend's Emscripten loader does); an ESM bundle has none of these of its own.
  banner: {
    js: [
      "import { createRequire as __cellscribeRequire } from 'node:module';",
      "import { fileURLToPath as __cellscribeFileURLToPath } from 'node:url';",
      'const require = __cellscribeRequire(import.meta.url);',
      'const __filename = __cellscribeFileURLToPath(import.meta.url);',
      "const __dirname = __filename.replace(/[\\\\/][^\\\\/]*$/, '');",
    ].join(' '),
  },
  external: ['electron', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  plugins: [missingStaysExternal],
};

const started = Date.now();
const [main, preload, worker] = await Promise.all([
  build({ ...common, entryPoints: [join(root, 'electron/main/index.ts')], outfile: join(out, 'main/index.js'), format: 'esm' }),
  // The sandboxed preload can require only 'electron' (and a few built-ins): everything else is bundled in.
  build({ ...common, entryPoints: [join(root, 'electron/preload/index.ts')], outfile: join(out, 'preload/index.cjs'), format: 'cjs', platform: 'node', external: ['electron'], banner: {} }),
  build({ ...common, entryPoints: [join(root, 'app/engine/worker.ts')], outfile: join(out, 'engine/worker.js'), format: 'esm' }),
  // Data-parallel training's threads, started by the engine worker from beside its own file.
  build({ ...common, entryPoints: [join(root, 'model/train/gradient-worker.ts')], outfile: join(out, 'engine/gradient-worker.js'), format: 'esm' }),
]);

// The wasm backend's binaries, beside the worker (electron/main/index.ts points wasmDir here).
const wasmSource = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
mkdirSync(join(out, 'engine', 'wasm'), { recursive: true });
for (const name of readdirSync(join(wasmSource, 'dist')).filter((n) => n.endsWith('.wasm'))) {
  copyFileSync(join(wasmSource, 'dist', name), join(out, 'engine', 'wasm', name));
}

const importsOf = (result) => Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
const inputsOf = (result) => Object.keys(result.metafile.inputs);
const tfInMain = [...importsOf(main), ...inputsOf(main)].filter((p) => p.includes('@tensorflow'));
if (tfInMain.length > 0) {
  console.error(`build-app: the main bundle imports ${tfInMain.join(', ')}; tfjs must load only in the engine worker`);
  process.exit(1);
}
const preloadImports = importsOf(preload).filter((p) => p !== 'electron');
if (preloadImports.length > 0) {
  console.error(`build-app: the sandboxed preload may import only electron, got ${preloadImports.join(', ')}`);
  process.exit(1);
}
if (!inputsOf(worker).some((p) => p.includes('@tensorflow/tfjs-core'))) {
  console.error('build-app: the engine worker bundle does not contain @tensorflow/tfjs-core; something is wrong with the entry');
  process.exit(1);
}
console.log(`build-app: out/main, out/preload, out/engine built in ${Date.now() - started} ms`);

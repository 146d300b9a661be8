#!/usr/bin/env node
// Builds the desktop package the way a release does (`electron-builder --dir` for Linux, with
// electron-builder.yml) and checks what came out, without Electron's real binary: the build
// machines cannot download it, so electron-builder packs against a stand-in Electron
// distribution (a placeholder executable carrying Electron's fuse wire, so the fuse flipping
// is exercised too). Then it checks the packaged tree:
//   - app.asar holds the entry points (main, preload, engine worker, renderer) and package.json,
//     no node_modules (so no dev dependencies), no source maps, and is at most 60 MB;
//   - the bundles pull in only runtime dependencies (never a devDependency);
//   - the wasm binaries are real files in app.asar.unpacked/out/engine/wasm/, the base model in
//     resources/models/base/, the general LM and CMUdict in resources/lm/ and resources/lexicon/;
//   - the packaged engine worker, copied out of the archive to a folder with no node_modules
//     near it, loads the packaged model on the packaged wasm binaries and transcribes a sample;
//   - the fuses are flipped, the Linux desktop entry lists the audio types, the macOS build is
//     entitled to the microphone and says why, and the icons exist for every platform.
// Prints one JSON line last: {"ok":true,"app_asar_mb":…,…}. Exit 1 (and the reasons) otherwise.
// Usage: node scripts/package-check.mjs [--keep]   (--keep: leave the temp folder for a look)
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const keep = process.argv.includes('--keep');
const MAX_ASAR_MB = 60;
const SAMPLE = { file: 'assets/samples/fsdd-jackson-seven.wav', expect: /seven/ };

const problems = [];
const check = (ok, message) => {
  if (!ok) problems.push(message);
  return ok;
};
const mb = (bytes) => Math.round((bytes / 2 ** 20) * 100) / 100;

function sizeOf(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

// 1. The production build (no source maps, minified renderer).
execFileSync(process.execPath, [join(root, 'scripts/build-app.mjs')], { stdio: 'inherit', cwd: root });
execFileSync(process.execPath, [join(root, 'scripts/build-renderer.mjs')], { stdio: 'inherit', cwd: root });

// 2. The stand-in Electron distribution: what electron-builder copies for Linux (the
//    executable, its licence files, resources/), the executable being a shell script that
//    carries Electron's fuse sentinel and a v1 wire with Electron's defaults, so that
//    electron-builder's electronFuses step has a real wire to flip.
const work = mkdtempSync(join(tmpdir(), 'cellscribe-package-'));
const electronDist = join(work, 'electron-dist');
mkdirSync(join(electronDist, 'resources'), { recursive: true });
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity, OnlyLoadFromAsar,
// BrowserV8Snapshot, GrantFileProtocolExtraPrivileges: Electron's defaults ('1' on, '0' off).
const DEFAULT_WIRE = '10110001';
writeFileSync(join(electronDist, 'electron'),
  `#!/bin/sh\necho "stand-in Electron binary (scripts/package-check.mjs)"; exit 1\n# ${FUSE_SENTINEL}\x01${String.fromCharCode(DEFAULT_WIRE.length)}${DEFAULT_WIRE}\n`,
  { mode: 0o755 });
for (const name of ['LICENSE', 'LICENSES.chromium.html', 'version']) {
  writeFileSync(join(electronDist, name), name === 'version' ? require('electron/package.json').version : 'stand-in\n');
}

// 3. electron-builder --dir for Linux, with electron-builder.yml plus the stand-in. afterPack
//    writes the desktop entry exactly as the deb/AppImage targets would (they need tools that
//    are downloaded, so --dir is what can run here).
const outputDir = join(work, 'dist');
const desktopFile = join(work, 'cellscribe.desktop');
const { build, Platform } = await import('electron-builder');
const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper.js');
await build({
  projectDir: root,
  targets: Platform.LINUX.createTarget('dir'),
  publish: 'never',
  config: {
    electronDist,
    directories: { output: outputDir },
    afterPack: async (context) => {
      const helper = new LinuxTargetHelper(context.packager);
      await helper.writeDesktopEntry(context.packager.platformSpecificBuildOptions, undefined, desktopFile);
    },
  },
});

// 4. The packaged tree.
const unpackedRoot = join(outputDir, 'linux-unpacked');
const resources = join(unpackedRoot, 'resources');
const asarPath = join(resources, 'app.asar');
const asar = require('@electron/asar');
const entries = asar.listPackage(asarPath, { isPack: false }).map((p) => p.replaceAll('\\', '/'));
const appAsarMb = mb(statSync(asarPath).size);
check(appAsarMb <= MAX_ASAR_MB, `app.asar is ${appAsarMb} MB, over the ${MAX_ASAR_MB} MB bound`);

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const entryPoints = [`/${pkg.main}`, '/package.json', '/out/preload/index.cjs', '/out/engine/worker.js', '/out/engine/gradient-worker.js',
  '/out/renderer/index.html', '/out/renderer/assets/main.js', '/out/renderer/capture-worklet.js'];
for (const entry of entryPoints) check(entries.includes(entry), `app.asar lacks ${entry}`);
const modules = entries.filter((p) => p.includes('/node_modules/'));
check(modules.length === 0, `app.asar carries node_modules (${modules.slice(0, 3).join(', ')}…): bundle them instead`);
const maps = entries.filter((p) => p.endsWith('.map'));
check(maps.length === 0, `app.asar carries source maps: ${maps.join(', ')}`);

// The bundles: inline source maps, and which npm packages went in (esbuild's unminified
// output names each input file in a `// node_modules/…` comment).
const extracted = join(work, 'extracted');
mkdirSync(join(extracted, 'engine'), { recursive: true });
const textOf = (entry) => asar.extractFile(asarPath, entry.slice(1)).toString('utf8');
const devDependencies = new Set(Object.keys(pkg.devDependencies ?? {}));
const allowedBare = new Set(['electron', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']);
const bundledPackages = new Set();
for (const entry of entryPoints.filter((e) => e.endsWith('.js') || e.endsWith('.cjs'))) {
  const text = textOf(entry);
  check(!/sourceMappingURL=data:/.test(text), `${entry} has an inline source map`);
  for (const match of text.matchAll(/^\/\/ (?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)) bundledPackages.add(match[1]);
  // What the bundle still imports at run time: only Node built-ins, electron, the optional native bindings.
  for (const match of text.matchAll(/(?:^import[^'"\n]*from\s*|\brequire\(|\bimport\()\s*["']([^"'./][^"']*)["']/gm)) {
    const name = match[1].replace(/^node:/, '');
    if (builtinModules.includes(name) || builtinModules.includes(name.split('/')[0]) || allowedBare.has(name)) continue;
    if (/^@audio\/decode-/.test(name)) continue; // optional codecs npm did not install (build-app.mjs)
    problems.push(`${entry} imports ${match[1]} at run time, which the package does not carry`);
  }
}
const devInBundles = [...bundledPackages].filter((name) => devDependencies.has(name));
check(devInBundles.length === 0, `the bundles contain devDependencies: ${devInBundles.join(', ')}`);

// wasm and the model: real files where the engine looks for them.
const wasmDir = join(resources, 'app.asar.unpacked', 'out', 'engine', 'wasm');
const wasmFiles = existsSync(wasmDir) ? readdirSync(wasmDir).filter((n) => n.endsWith('.wasm')) : [];
check(wasmFiles.includes('tfjs-backend-wasm.wasm') && wasmFiles.includes('tfjs-backend-wasm-simd.wasm'),
  `the wasm binaries are not real files in ${relative(work, wasmDir)} (found: ${wasmFiles.join(', ') || 'none'})`);
const modelDir = join(resources, 'models', 'base');
for (const name of ['model.json', 'weights.bin', 'meta.json']) check(existsSync(join(modelDir, name)), `the base model lacks ${name} in resources/models/base`);
// The general LM and, for phone models, CMUdict: where electron/main/paths.ts looks for them.
for (const file of ['lm/en-us.cslm', 'lexicon/cmudict-en-us.dict.gz']) check(existsSync(join(resources, file)), `resources/${file} is missing`);

// The fuses electron-builder.yml asks for, read back from the packaged executable.
const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses');
const executable = join(unpackedRoot, pkg.name);
const wire = await getCurrentFuseWire(executable);
const fuse = (option) => String.fromCharCode(wire[option]);
const wantFuses = { RunAsNode: '0', EnableNodeOptionsEnvironmentVariable: '0', EnableNodeCliInspectArguments: '0', OnlyLoadAppFromAsar: '1', EnableEmbeddedAsarIntegrityValidation: '1', EnableCookieEncryption: '1' };
for (const [name, want] of Object.entries(wantFuses)) check(fuse(FuseV1Options[name]) === want, `fuse ${name} is ${fuse(FuseV1Options[name])}, want ${want}`);

// 5. The packaged engine, run from outside the archive with no node_modules in reach: status,
//    load the packaged model, decode and transcribe a sample on the packaged wasm binaries.
const workerFile = join(extracted, 'engine', 'worker.mjs');
writeFileSync(workerFile, textOf('/out/engine/worker.js'));
const smoke = await runPackagedEngine(workerFile, wasmDir, modelDir, join(resources, 'lexicon', 'cmudict-en-us.dict.gz'), join(root, SAMPLE.file));
check(smoke.backend === 'wasm', `the packaged engine ran on ${smoke.backend}, not wasm (${smoke.error ?? ''})`);
check(SAMPLE.expect.test(smoke.text ?? ''), `the packaged engine transcribed ${SAMPLE.file} as ${JSON.stringify(smoke.text)}${smoke.error ? `: ${smoke.error}` : ''}`);

// 6. What --dir cannot show: the Linux desktop entry, the macOS entitlements and usage
//    string, and the icons each platform's target takes from assets/build.
const desktop = existsSync(desktopFile) ? readFileSync(desktopFile, 'utf8') : '';
const mime = /^MimeType=(.*)$/m.exec(desktop)?.[1]?.split(';').filter(Boolean) ?? [];
for (const type of ['audio/x-wav', 'audio/wav', 'audio/mpeg', 'audio/flac', 'audio/ogg']) check(mime.includes(type), `the desktop entry's MimeType lacks ${type}`);
check(/^Icon=\S+/m.test(desktop) && /^Name=CellScribe$/m.test(desktop), 'the desktop entry has no Name=CellScribe or Icon');
const builderConfig = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
check(/NSMicrophoneUsageDescription:\s*\S/.test(builderConfig), 'electron-builder.yml has no NSMicrophoneUsageDescription');
const entitlements = readFileSync(join(root, 'assets/build/entitlements.mac.plist'), 'utf8');
check(/<key>com\.apple\.security\.device\.audio-input<\/key>\s*<true\/>/.test(entitlements), 'the macOS entitlements do not grant audio-input');
const icons = checkIcons(join(root, 'assets/build'));

const report = {
  ok: problems.length === 0,
  app_asar_mb: appAsarMb,
  asar_files: entries.length,
  unpacked_wasm_mb: mb(sizeOf(wasmDir)),
  model_mb: mb(sizeOf(modelDir)),
  bundled_packages: bundledPackages.size,
  engine_backend: smoke.backend,
  engine_text: smoke.text,
  desktop_mime_types: mime.length,
  icons,
  problems,
};
if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(`package-check: kept ${work}`);
for (const problem of problems) console.error(`package-check: ${problem}`);
console.log(JSON.stringify(report));
process.exit(report.ok ? 0 : 1);

/** Runs the extracted worker bundle as the app does (worker_threads, workerData = engine options). */
async function runPackagedEngine(workerPath, wasmDir, modelDir, lexicon, samplePath) {
  // The options electron/main/index.ts gives the engine: the packaged wasm and CMUdict.
  const worker = new Worker(pathToFileURL(workerPath), { workerData: { wasmDir, backend: 'wasm', lexicon } });
  let nextId = 1;
  const pending = new Map();
  worker.on('message', (message) => {
    if (typeof message?.id !== 'number') return;
    const call = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) call?.resolve(message.result);
    else call?.reject(new Error(message.error?.message ?? 'engine error'));
  });
  const failed = new Promise((_, reject) => worker.once('error', reject));
  const call = (method, ...args) => Promise.race([failed, new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, method, args });
  })]);
  try {
    await call('loadModel', modelDir);
    const status = await call('status');
    const decoded = await call('decodeAudio', new Uint8Array(readFileSync(samplePath)), samplePath);
    const result = await call('transcribe', decoded.samples, { mode: 'digits', customVocabulary: '', beam: 8 }, false);
    return { backend: status.backend, text: result.text };
  } catch (error) {
    return { backend: null, text: null, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await worker.terminate();
  }
}

/** The icons electron-builder.yml names: PNGs for Linux up to 512 px, an .icns, an .ico. */
function checkIcons(dir) {
  const pngSize = (path) => {
    const bytes = readFileSync(path);
    if (bytes.readUInt32BE(0) !== 0x89504e47) return null;
    return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
  };
  const linux = existsSync(join(dir, 'icons')) ? readdirSync(join(dir, 'icons')).filter((n) => /^\d+x\d+\.png$/.test(n)) : [];
  for (const name of linux) {
    const [w, h] = pngSize(join(dir, 'icons', name)) ?? [0, 0];
    check(`${w}x${h}.png` === name, `assets/build/icons/${name} is ${w}x${h}`);
  }
  check(linux.includes('512x512.png') && linux.includes('16x16.png'), 'assets/build/icons/ lacks 16x16.png or 512x512.png');
  const icnsOk = existsSync(join(dir, 'icon.icns')) && readFileSync(join(dir, 'icon.icns')).subarray(0, 4).toString('latin1') === 'icns';
  check(icnsOk, 'assets/build/icon.icns is missing or not an ICNS file');
  const ico = existsSync(join(dir, 'icon.ico')) ? readFileSync(join(dir, 'icon.ico')) : Buffer.alloc(6);
  const icoImages = ico.readUInt16LE(2) === 1 ? ico.readUInt16LE(4) : 0;
  check(icoImages >= 4, `assets/build/icon.ico is missing or holds ${icoImages} images (want 16-256 px)`);
  return { linux_png: linux.length, icns: icnsOk, ico_images: icoImages };
}

/**
 * Picks the TensorFlow.js backend at start-up: native CUDA, then native CPU, then WebAssembly,
 * then pure JS. The native packages are optional dependencies: where their install failed (no
 * libtensorflow download, as on our build machines) they are simply absent and we fall through.
 */
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

export interface BackendInfo {
  /** What runs the model. */
  name: BackendName;
  /** tfjs's own name for it ('tensorflow', 'wasm', 'cpu'). */
  tfBackend: string;
  /** Why each faster choice was not used, in order; empty when the first choice loaded. */
  skipped: { name: BackendName; reason: string }[];
}

let selected: BackendInfo | undefined;
let wasmDir: string | undefined;

/**
 * Points tfjs-backend-wasm at a folder holding its .wasm files (bundles that moved the package's
 * code away from its dist/ folder). Remembered, so worker threads started later (data-parallel
 * training) can point their own copy of the backend at the same folder.
 */
export async function useWasmDir(dir: string): Promise<void> {
  const { sep } = await import('node:path');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasmDir = dir.endsWith(sep) ? dir : dir + sep; // setWasmPaths takes a prefix
  wasm.setWasmPaths(wasmDir);
}

/** The backend selectBackend chose in this thread, if it ran. */
export function selectedBackend(): BackendInfo | undefined {
  return selected;
}

/** The folder given to useWasmDir, if any. */
export function wasmDirInUse(): string | undefined {
  return wasmDir;
}

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_ORDER as readonly string[]).includes(name);
}

/** Tries one backend; returns why it cannot be used, or undefined when it is now active. */
async function tryBackend(name: BackendName): Promise<string | undefined> {
  try {
    if (name === 'tfjs-node-gpu' || name === 'tfjs-node') {
      // A variable specifier keeps bundlers and tsc from resolving the optional package.
      const pkg = `@tensorflow/${name}`;
      await import(pkg);
      if (!(await tf.setBackend('tensorflow'))) return `${pkg} loaded but its backend did not initialise`;
      if (name === 'tfjs-node-gpu' && !(await hasCudaDevice())) return 'no CUDA GPU visible to TensorFlow';
      return undefined;
    }
    if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
      // setBackend does not throw when the .wasm files are missing: it returns false.
      if (!(await tf.setBackend('wasm'))) return 'the WebAssembly binaries could not be loaded';
      return undefined;
    }
    if (!(await tf.setBackend('cpu'))) return 'the pure-JS backend failed to initialise';
    // The cpu backend greets Node users with an install hint on first use; we report the
    // backend ourselves, so silence it.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    if (/Cannot find (module|package)/.test(message)) return `@tensorflow/${name} is not installed`;
    return message.slice(0, 200);
  }
}

/** True when the native TensorFlow backend reports a GPU device. */
async function hasCudaDevice(): Promise<boolean> {
  // tfjs-node-gpu silently runs on the CPU when CUDA libraries are missing; a device list is
  // the only honest signal. The binding exposes it as `isUsingGpuDevice` in recent versions.
  const backend = tf.backend() as unknown as { isUsingGpuDevice?: boolean };
  return backend.isUsingGpuDevice !== false;
}

/**
 * Selects the backend once per process. `preferred` (from --backend or CELLSCRIBE_BACKEND)
 * forces one; it is an error when that one cannot load, rather than a silent fallback.
 */
export async function selectBackend(preferred?: string): Promise<BackendInfo> {
  const wanted = preferred ?? process.env.CELLSCRIBE_BACKEND;
  if (selected && (!wanted || wanted === selected.name)) return selected;
  if (wanted !== undefined && wanted !== '') {
    if (!isBackendName(wanted)) {
      throw new Error(`unknown backend "${wanted}" (expected one of ${BACKEND_ORDER.join(', ')})`);
    }
    const reason = await tryBackend(wanted);
    if (reason) throw new Error(`backend ${wanted} is not usable: ${reason}`);
    await tf.ready();
    selected = { name: wanted, tfBackend: tf.getBackend(), skipped: [] };
    return selected;
  }
  const skipped: BackendInfo['skipped'] = [];
  for (const name of BACKEND_ORDER) {
    const reason = await tryBackend(name);
    if (reason === undefined) {
      await tf.ready();
      selected = { name, tfBackend: tf.getBackend(), skipped };
      return selected;
    }
    skipped.push({ name, reason });
  }
  throw new Error(`no TensorFlow.js backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/** One line for logs and outputs, e.g. "wasm (tfjs-node-gpu: not installed; tfjs-node: not installed)". */
export function describeBackend(info: BackendInfo): string {
  if (info.skipped.length === 0) return info.name;
  return `${info.name} (${info.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`;
}

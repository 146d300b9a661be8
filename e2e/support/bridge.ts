/**
 * Installs `window.api` in the page as a bridge to a real AppBackend in the test process:
 * page.addInitScript defines the AppApi object before the bundle runs, and each method goes through
 * page.exposeFunction to the backend. Arguments cross as JSON, so Float32Array and ArrayBuffer
 * travel as tagged base64 strings, converted back on each side.
 */
import type { Page } from 'playwright-core';
import type { AppEvent } from '../../contract/contract.ts';
import { CHANNELS } from '../../contract/requests.ts';

/** The backend surface the bridge needs (createAppBackend's result satisfies it). */
export interface BridgedBackend {
  subscribe(listener: (event: AppEvent) => void): () => void;
}

type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

/** Float32Array / ArrayBuffer → tagged base64; everything else as is (JSON-safe). */
export function encodeValue(value: unknown): Encoded {
  if (value instanceof Float32Array) return { __f32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (value instanceof ArrayBuffer) return { __bytes: Buffer.from(value).toString('base64') };
  if (ArrayBuffer.isView(value)) throw new Error(`bridge: expected Float32Array or ArrayBuffer, got ${value.constructor.name}`);
  if (Array.isArray(value)) return value.map(encodeValue);
  if (value && typeof value === 'object') {
    const out: { [key: string]: Encoded } = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = encodeValue(item);
    return out;
  }
  return (value ?? null) as Encoded;
}

/** The inverse of encodeValue. */
export function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.__f32 === 'string') {
      const bytes = Buffer.from(record.__f32, 'base64');
      // Copy into a fresh, aligned buffer.
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
    if (typeof record.__bytes === 'string') {
      const bytes = Buffer.from(record.__bytes, 'base64');
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, decodeValue(item)]));
  }
  return value;
}

/** Runs in the page before the renderer: the AppApi object and the same codec in browser terms. */
const PAGE_SCRIPT = `(() => {
  const toBase64 = (bytes) => {
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  };
  const fromBase64 = (text) => {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  };
  const encode = (value) => {
    if (value instanceof Float32Array) return { __f32: toBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
    if (value instanceof ArrayBuffer) return { __bytes: toBase64(new Uint8Array(value)) };
    if (Array.isArray(value)) return value.map(encode);
    if (value && typeof value === 'object') {
      const out = {};
      for (const key of Object.keys(value)) if (value[key] !== undefined) out[key] = encode(value[key]);
      return out;
    }
    return value;
  };
  const decode = (value) => {
    if (Array.isArray(value)) return value.map(decode);
    if (value && typeof value === 'object') {
      if (typeof value.__f32 === 'string') return new Float32Array(fromBase64(value.__f32).buffer);
      if (typeof value.__bytes === 'string') return fromBase64(value.__bytes).buffer;
      const out = {};
      for (const key of Object.keys(value)) out[key] = decode(value[key]);
      return out;
    }
    return value;
  };
  const listeners = new Set();
  window.__cellscribeEmit = (event) => {
    const decoded = decode(event);
    for (const listener of [...listeners]) { try { listener(decoded); } catch (error) { console.error(error); } }
  };
  const call = (method) => async (...args) => decode(await window.__cellscribeCall(method, encode(args)));
  // Every request method of the contract (CHANNELS has one entry per AppApi method but onEvent).
  const methods = ${JSON.stringify(Object.keys(CHANNELS))};
  const api = { onEvent(listener) { listeners.add(listener); return () => listeners.delete(listener); } };
  for (const method of methods) api[method] = call(method);
  window.api = Object.freeze(api);
})();`;

export interface BridgeLog {
  /** Every request's method and decoded result, in order (for assertions on what the engine produced). */
  calls: { method: string; result: unknown }[];
}

/**
 * Wires `page` to `backend`. Call before page.goto. Returns the call log; events are forwarded
 * until the page closes.
 */
export async function installBridge(page: Page, backend: BridgedBackend): Promise<BridgeLog> {
  const log: BridgeLog = { calls: [] };
  const target = backend as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  await page.exposeFunction('__cellscribeCall', async (method: string, encodedArgs: unknown) => {
    const fn = target[method];
    if (typeof fn !== 'function') throw new Error(`bridge: the backend has no method ${method}`);
    const result = await fn.apply(backend, decodeValue(encodedArgs) as unknown[]);
    log.calls.push({ method, result });
    return encodeValue(result);
  });
  await page.addInitScript({ content: PAGE_SCRIPT });
  const unsubscribe = backend.subscribe((event) => {
    if (page.isClosed()) return;
    page.evaluate('window.__cellscribeEmit && window.__cellscribeEmit(' + JSON.stringify(encodeValue(event)) + ')').catch(() => undefined);
  });
  page.once('close', unsubscribe);
  return log;
}

/**
 * Installs `window.api` in the page as a bridge to a real AppBackend in the test process, through
 * the same main-process code Electron runs: page.addInitScript defines the AppApi object as the
 * preload does (one invoke per contract channel, electron/preload/api.ts), each invoke crosses
 * page.exposeBinding, and there it meets electron/main/ipc.ts's registered handler for its
 * channel with an event built from the frame that really sent it (the sender check), then the
 * request table's schemas, and only then the backend. Arguments cross as JSON, so Float32Array and
 * ArrayBuffer travel as tagged base64 strings, turned back into those types before the handler
 * sees them (as Electron's structured clone keeps them).
 */
import type { Frame, Page } from 'playwright-core';
import type { AppEvent } from '../../contract/contract.ts';
import { CHANNELS } from '../../contract/requests.ts';
import { registerIpc, type InvokeEventLike, type RequestHandlers } from '../../electron/main/ipc.ts';

/** The backend surface the bridge needs (createAppBackend's result satisfies it). */
export interface BridgedBackend {
  subscribe(listener: (event: AppEvent) => void): () => void;
}

/** The page's stand-in for the app window's webContents id (every frame of the page shares it). */
const PAGE_WEBCONTENTS_ID = 1;

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
  // As the preload's createApi: each request forwards exactly its arguments to its channel.
  const invoke = (channel) => async (...args) => decode(await window.__cellscribeInvoke(channel, encode(args)));
  const channels = ${JSON.stringify(CHANNELS)};
  const api = { onEvent(listener) { listeners.add(listener); return () => listeners.delete(listener); } };
  for (const [method, channel] of Object.entries(channels)) api[method] = invoke(channel);
  window.api = Object.freeze(api);
})();`;

export interface BridgeLog {
  /** Every request that reached the backend: its method and decoded result, in order (for assertions on what the engine produced). */
  calls: { method: string; result: unknown }[];
  /** Every message main's IPC layer refused (sender or arguments), as it logs them. */
  rejected: string[];
}

/** What Electron's IpcMainInvokeEvent says about a message from `frame`. */
function invokeEvent(frame: Frame): InvokeEventLike {
  return { sender: { id: PAGE_WEBCONTENTS_ID }, senderFrame: { url: frame.url(), parent: frame.parentFrame() } };
}

/**
 * Wires `page` to `backend` through main's IPC handlers, trusting pages under `pagePrefix` (the
 * served renderer's URL, ending in '/'). Call before page.goto. Returns the call log; events are
 * forwarded until the page closes.
 */
export async function installBridge(page: Page, backend: BridgedBackend, pagePrefix: string): Promise<BridgeLog> {
  const log: BridgeLog = { calls: [], rejected: [] };
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
  const target = backend as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  // The backend as main hands it to registerIpc; every call that gets through is logged.
  const logged = Object.fromEntries(
    Object.keys(CHANNELS).map((method) => [method, async (...args: unknown[]) => {
      const result = await target[method].apply(backend, args);
      log.calls.push({ method, result });
      return result;
    }]),
  ) as unknown as RequestHandlers;
  registerIpc({
    ipcMain: { handle: (channel, listener) => void handlers.set(channel, listener), removeHandler: (channel) => void handlers.delete(channel) },
    backend: logged,
    trusted: () => ({ webContentsId: PAGE_WEBCONTENTS_ID, pagePrefix }),
    log: (message) => void log.rejected.push(message),
  });
  await page.exposeBinding('__cellscribeInvoke', async (source: { frame: Frame }, channel: string, encodedArgs: unknown) => {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${String(channel).slice(0, 60)}'`); // as Electron says it
    return encodeValue(await handler(invokeEvent(source.frame), ...(decodeValue(encodedArgs) as unknown[])));
  });
  await page.addInitScript({ content: PAGE_SCRIPT });
  const unsubscribe = backend.subscribe((event) => {
    if (page.isClosed()) return;
    page.evaluate('window.__cellscribeEmit && window.__cellscribeEmit(' + JSON.stringify(encodeValue(event)) + ')').catch(() => undefined);
  });
  page.once('close', unsubscribe);
  return log;
}

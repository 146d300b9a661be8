/**
 * Session-wide security: a strict Content-Security-Policy header (the page also carries it as a
 * meta tag), no remote requests at all, a permission handler that grants only microphone
 * capture, and no navigation or new windows. The decisions are pure functions, unit-tested.
 */
import type { Session, WebContents } from 'electron';

/**
 * Same policy as renderer/index.html's meta tag: everything from the app itself, blob: only for
 * media playback and the capture AudioWorklet, nothing remote, no plugins, no framing.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Only the app's own files (and in-page data:/blob:/devtools) may load: the app is offline. */
export function isRequestAllowed(url: string): boolean {
  return /^(file|data|blob|devtools):/i.test(url);
}

/** The subset of Electron's permission details we decide on. */
export interface PermissionRequest {
  permission: string;
  mediaTypes?: string[];
  requestingUrl: string;
}

/** Microphone only ('media' with audio and no video), and only for the app's own page. */
export function isPermissionAllowed(request: PermissionRequest, pagePrefix: string): boolean {
  if (!request.requestingUrl.startsWith(pagePrefix)) return false;
  if (request.permission !== 'media') return false;
  const types = request.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'audio');
}

/** Permission checks (not requests) for the same: the microphone list needs 'media' audio. */
export function isPermissionCheckAllowed(permission: string, mediaType: string | undefined, requestingOrigin: string): boolean {
  return permission === 'media' && mediaType === 'audio' && requestingOrigin.startsWith('file:');
}

/** Applies headers, request blocking and the permission handlers to `session`. */
export function secureSession(session: Session, pagePrefix: () => string): void {
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isRequestAllowed(details.url) });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes as string[] | undefined) : undefined;
    callback(isPermissionAllowed({ permission, mediaTypes, requestingUrl: details.requestingUrl ?? webContents?.getURL() ?? '' }, pagePrefix()));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) => {
    return isPermissionCheckAllowed(permission, (details as { mediaType?: string }).mediaType, requestingOrigin);
  });
  session.setDevicePermissionHandler(() => false);
}

/** Denies navigation away from the app's page, new windows, and webviews. */
export function lockDownContents(contents: WebContents, pagePrefix: () => string): void {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(pagePrefix())) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(pagePrefix())) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

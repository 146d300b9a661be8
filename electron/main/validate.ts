/**
 * The sender check that comes before argument validation (contract/requests.ts): a message must
 * come from the app's own window showing the app's own page. Pure (no Electron import), so it is
 * unit-tested under Node.
 */

/** What main knows about a message's sender. */
export interface SenderInfo {
  /** webContents id of the sender. */
  webContentsId: number;
  /** URL of the frame that sent it ('' when unknown, e.g. the frame navigated away). */
  frameUrl: string;
  /** True when it came from the top frame (not an iframe). */
  isMainFrame: boolean;
}

/** What a trusted sender must match: the main window's webContents and the app's page. */
export interface TrustedOrigin {
  webContentsId: number | null;
  /** URL prefix of the app's pages, e.g. file:///…/out/renderer/ (a trailing slash is required). */
  pagePrefix: string;
}

/** Why a sender is refused, or null when it is the app's own window showing the app's page. */
export function senderProblem(sender: SenderInfo, trusted: TrustedOrigin): string | null {
  if (trusted.webContentsId === null || sender.webContentsId !== trusted.webContentsId) return 'the message did not come from the app window';
  if (!sender.isMainFrame) return 'the message came from a sub-frame';
  if (!trusted.pagePrefix.endsWith('/')) return 'misconfigured page prefix (must end with /)';
  let url: URL;
  try {
    url = new URL(sender.frameUrl);
  } catch {
    return `the sender's URL ${JSON.stringify(sender.frameUrl.slice(0, 80))} is not valid`;
  }
  const expected = new URL(trusted.pagePrefix);
  // Compare scheme, host and path prefix (not raw strings: "file:///app/../etc" normalises away).
  if (url.protocol !== expected.protocol || url.host !== expected.host || !url.pathname.startsWith(expected.pathname)) {
    return `the sender's page ${url.protocol}//${url.host}${url.pathname.slice(0, 80)} is not the app's page`;
  }
  return null;
}

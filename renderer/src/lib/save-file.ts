/** Saves a blob as a file through a blob URL (the sandboxed renderer has no file-system access). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  // Revoke later: the download may still be reading the URL when click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A title made safe as a file name on every desktop OS (no separators or reserved characters). */
export function safeFileName(title: string, fallback = 'untitled'): string {
  return title.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim() || fallback;
}

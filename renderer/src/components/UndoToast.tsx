import { useEffect } from 'react';

/** A notice with an Undo button that goes away by itself after 10 s. */
export function UndoToast({ message, onUndo, onDismiss }: { message: string; onUndo(): void; onDismiss(): void }) {
  useEffect(() => {
    const timer = setTimeout(onDismiss, 10_000);
    return () => clearTimeout(timer);
  }, [message, onDismiss]);
  return (
    <div className="toast" role="status" data-testid="undo-toast">
      <span>{message}</span>
      <button type="button" data-testid="undo-delete" onClick={onUndo}>Undo</button>
    </div>
  );
}

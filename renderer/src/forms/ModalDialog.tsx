/**
 * A modal panel on the native `<dialog>`: the browser traps focus inside it
 * and makes the page behind it inert; Escape closes it. Focus goes back to
 * where it was when the dialog opened. Drops outside a drop zone are ignored,
 * so a file dropped by mistake never navigates the window to itself.
 */
import { useEffect, useRef, type ReactNode } from 'react';

export function ModalDialog({ label, busy, onClose, children, testId }: { label: string; busy: boolean; onClose: () => void; children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  // Set once this dialog is going away, so its own `close` event does not report a second close.
  const gone = useRef(false);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    gone.current = false;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      gone.current = true;
      if (dialog.open) dialog.close();
      before?.focus();
    };
  }, []);

  const close = () => {
    if (gone.current) return;
    gone.current = true;
    onClose();
  };

  return (
    <dialog
      ref={ref}
      className="modal"
      aria-label={label}
      aria-busy={busy}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
      // When the browser closes it anyway (a second Escape without user activation).
      onClose={close}
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => e.preventDefault()}
    >
      {children}
    </dialog>
  );
}

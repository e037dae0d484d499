import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

/**
 * A modal on the native <dialog>: the browser traps focus inside, closes it on Escape and gives focus back to
 * what opened it. Children render only while it is open, so each opening starts fresh.
 */
export function Dialog(props: {
  open: boolean;
  labelledBy: string;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const { open } = props;
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={props.labelledBy} onClose={() => props.onClose()}>
      {open ? props.children : null}
    </dialog>
  );
}

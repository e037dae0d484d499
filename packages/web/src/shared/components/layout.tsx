import type { ComponentChildren, JSX, RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { LanguagePicker } from '../../i18n/language-picker.js';

/**
 * The page frame every Twofold page shares: a centred card with the brand on top, and the language picker
 * under it (after the card in the tab order, so the page's own steps come first).
 */
export function Page(props: {
  wide?: boolean;
  /** Where the picker loads the page again (the setup link needs its token back); this address by default. */
  reloadTo?: () => string;
  children: ComponentChildren;
}) {
  return (
    <div class={props.wide ? 'page page-wide' : 'page'}>
      <main class={props.wide ? 'card card-wide' : 'card'}>{props.children}</main>
      <footer class="page-footer">
        <LanguagePicker reloadTo={props.reloadTo} />
      </footer>
    </div>
  );
}

export function Brand(props: { children?: ComponentChildren }) {
  return props.children ? (
    <div class="brand-row">
      <p class="brand">Twofold</p>
      {props.children}
    </div>
  ) : (
    <p class="brand">Twofold</p>
  );
}

/** Moves keyboard focus to an element when the screen that holds it appears. */
export function useFocusOnMount<T extends HTMLElement>(enabled = true): RefObject<T> {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (enabled) ref.current?.focus();
  }, [enabled]);
  return ref;
}

/**
 * A screen's heading. With `focus`, it takes keyboard focus when the screen appears, so screen readers
 * announce the new step and Tab continues from the top of it.
 */
export function Heading(props: { level?: 1 | 2; focus?: boolean; id?: string; children: ComponentChildren }) {
  const ref = useFocusOnMount<HTMLHeadingElement>(props.focus ?? false);
  const attributes: JSX.HTMLAttributes<HTMLHeadingElement> = { tabIndex: -1, id: props.id };
  return props.level === 2 ? (
    <h2 {...attributes} ref={ref}>
      {props.children}
    </h2>
  ) : (
    <h1 {...attributes} ref={ref}>
      {props.children}
    </h1>
  );
}

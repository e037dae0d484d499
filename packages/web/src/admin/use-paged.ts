import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiResult, Problem } from '../shared/api.js';
import type { EventPage } from './types.js';

export interface Paged<T> {
  /** Undefined until the first page arrives. */
  readonly items: readonly T[] | undefined;
  readonly nextCursor: string | null;
  readonly busy: boolean;
  readonly problem: Problem | undefined;
  readonly loadMore: () => void;
  readonly reload: () => void;
}

/**
 * A log read page by page with cursors: the first page when `key` (the filters) changes, the next one on
 * "Load more". An answer for filters that have changed since is dropped.
 */
export function usePaged<T>(
  fetchPage: (cursor: string | null) => Promise<ApiResult<EventPage<T>>>,
  key: string,
): Paged<T> {
  const [items, setItems] = useState<readonly T[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const ticket = useRef(0);

  async function load(cursor: string | null) {
    const mine = ++ticket.current;
    setBusy(true);
    const result = await fetchPage(cursor);
    if (mine !== ticket.current) return;
    setBusy(false);
    if (!result.ok) {
      setProblem(result.problem);
      return;
    }
    setProblem(undefined);
    setItems((current) => (cursor && current ? [...current, ...result.data.events] : result.data.events));
    setNextCursor(result.data.nextCursor);
  }

  useEffect(() => {
    setItems(undefined);
    void load(null);
  }, [key]);

  return {
    items,
    nextCursor,
    busy,
    problem,
    loadMore: () => void load(nextCursor),
    reload: () => void load(null),
  };
}

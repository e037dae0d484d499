import { useEffect, useRef, useState } from 'preact/hooks';
import type { AdminApi } from './admin-api.js';

/** At most this many users are looked up per page of events. */
export const maxLookups = 25;

/**
 * The emails of the users a page of log events names, so the log shows people rather than ids. Each id is
 * asked for once; an id that cannot be read (a deleted user) stays an id.
 */
export function useUserNames(admin: AdminApi, ids: readonly string[]): ReadonlyMap<string, string> {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const asked = useRef(new Set<string>());
  const wanted = [...new Set(ids)].filter((id) => !asked.current.has(id)).slice(0, maxLookups);
  const key = wanted.join(',');

  useEffect(() => {
    if (wanted.length === 0) return;
    for (const id of wanted) asked.current.add(id);
    // Answers are kept even when more ids were asked for meanwhile: each id is asked for only once.
    void Promise.all(wanted.map(async (id) => [id, await admin.getUser(id)] as const)).then((answers) => {
      setNames((current) => {
        const next = new Map(current);
        for (const [id, result] of answers) if (result.ok) next.set(id, result.data.email);
        return next;
      });
    });
  }, [key]);

  return names;
}

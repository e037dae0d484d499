/** Tenant pages live at /t/{tenant}/{page}; the slug is read from the address, never from the page's HTML. */
export type PageName = 'sign-in' | 'security-info' | 'setup' | 'admin';

export function tenantFromPath(pathname: string): string | undefined {
  const match = /^\/t\/([^/]+)\//.exec(pathname);
  if (!match?.[1]) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}

export function pagePath(tenant: string, page: PageName): string {
  return `/t/${encodeURIComponent(tenant)}/${page}`;
}

const returnablePages: readonly PageName[] = ['security-info', 'admin'];

/**
 * Where to go after signing in: `returnTo` from the query when it names a page of the same tenant
 * (an open redirect to another site or tenant is never followed), else Security info.
 */
export function afterSignIn(tenant: string, search: string): string {
  const fallback = pagePath(tenant, 'security-info');
  const wanted = new URLSearchParams(search).get('returnTo');
  if (!wanted) return fallback;
  for (const page of returnablePages) {
    const path = pagePath(tenant, page);
    if (wanted === path || wanted.startsWith(`${path}#`)) return wanted;
  }
  return fallback;
}

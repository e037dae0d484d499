/** Tenant pages live at /t/{tenant}/{page}; the slug is read from the address, never from the page's HTML. */
export type PageName = 'sign-in' | 'security-info' | 'setup';

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

/** A tenant's issuer: `{TWOFOLD_PUBLIC_URL}/t/{tenant}` (no dependency, so commands can use it without the provider). */
export function issuerOf(publicUrl: string, slug: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/t/${encodeURIComponent(slug)}`;
}

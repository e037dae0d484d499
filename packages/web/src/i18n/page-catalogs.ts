/**
 * The message catalogs, one folder per namespace (`catalogs/<namespace>/<locale>.json`), and which ones each
 * page loads. A key starts with its namespace's prefix (`signIn.password.title` is in `sign-in`), so a page
 * that shows a key of a namespace it does not load is caught by the browser tests. The web build writes this
 * table, with the built file of each catalog, to dist/i18n.json: the server preloads a page's catalogs in
 * its language with the page.
 */
export const namespaces = [
  'common',
  'problems',
  'sign-in',
  'passwords',
  'troubleshooter',
  'security-info',
  'setup',
  'admin',
  'admin-groups',
  'admin-import',
  'help-requests',
  'authenticator',
  'passkeys',
] as const;

export type Namespace = (typeof namespaces)[number];

/** The first part of every key of a namespace. */
export const keyPrefixes: Readonly<Record<Namespace, string>> = {
  common: 'common.',
  problems: 'problem.',
  'sign-in': 'signIn.',
  passwords: 'passwords.',
  troubleshooter: 'troubleshooter.',
  'security-info': 'securityInfo.',
  setup: 'setup.',
  admin: 'admin.',
  'admin-groups': 'adminGroups.',
  'admin-import': 'adminImport.',
  'help-requests': 'helpRequests.',
  authenticator: 'authenticator.',
  passkeys: 'passkeys.',
};

/**
 * The pages under /t/{tenant}/, by the name the server serves them under, and the web authenticator
 * (/authenticator/, for every tenant).
 */
export const pageCatalogs = {
  'sign-in': ['common', 'problems', 'sign-in', 'passwords', 'troubleshooter', 'passkeys'],
  'security-info': ['common', 'problems', 'security-info', 'passwords', 'passkeys'],
  setup: ['common', 'problems', 'setup'],
  admin: ['common', 'problems', 'admin', 'admin-groups', 'admin-import', 'help-requests', 'passkeys'],
  'web-authenticator': ['common', 'problems', 'authenticator'],
} as const satisfies Readonly<Record<string, readonly Namespace[]>>;

export type CatalogPage = keyof typeof pageCatalogs;

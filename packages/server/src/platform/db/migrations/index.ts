import type { Migration } from 'kysely';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-sign-in.js';
import * as m0003 from './0003-admin.js';
import * as m0004 from './0004-codes-by-message.js';
import * as m0005 from './0005-push.js';
import * as m0006 from './0006-oidc.js';
import * as m0007 from './0007-user-locale.js';
import * as m0008 from './0008-credentials.js';
import * as m0009 from './0009-accepted-steps.js';
import * as m0010 from './0010-help-requests.js';
import * as m0011 from './0011-groups.js';
import * as m0012 from './0012-oidc-logout.js';
import * as m0013 from './0013-passkeys.js';
import * as m0014 from './0014-oidc-session-links.js';

/** Ordered migrations; names sort in the order they apply. Never edit one that has shipped: add a new file. */
export const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-sign-in': m0002,
  '0003-admin': m0003,
  '0004-codes-by-message': m0004,
  '0005-push': m0005,
  '0006-oidc': m0006,
  '0007-user-locale': m0007,
  '0008-credentials': m0008,
  '0009-accepted-steps': m0009,
  '0010-help-requests': m0010,
  '0011-groups': m0011,
  '0012-oidc-logout': m0012,
  '0013-passkeys': m0013,
  '0014-oidc-session-links': m0014,
};

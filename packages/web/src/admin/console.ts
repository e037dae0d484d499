/** What every view of the console is given: the API, who is signed in, and a way to move between views. */
import type { AdminApi } from './admin-api.js';
import type { Me } from './types.js';

export interface Console {
  readonly admin: AdminApi;
  readonly me: Me['user'];
  /** Goes to a view (a hash such as `#/users/ID`), with a success line to show there. */
  readonly navigate: (hash: string, notice?: string) => void;
}

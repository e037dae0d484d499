/**
 * The `groups` scope and claim (spec section 6): the names of the user's groups, so applications can
 * authorise by group. Read only when the scope was granted, in the ID token and from userinfo alike.
 */
import type { GroupService } from '../groups/group-service.js';

export const groupsScope = 'groups';

/** The claims config entry: scope `groups` gives claim `groups`. */
export const groupsClaimsConfig = (): Record<string, string[]> => ({ [groupsScope]: ['groups'] });

/** `{ groups: [...] }` when `scope` (space-separated) includes `groups`, else nothing. */
export async function groupClaims(
  groups: Pick<GroupService, 'namesOf'>,
  tenantId: string,
  userId: string,
  scope: string | undefined,
): Promise<{ groups?: string[] }> {
  if (!scope?.split(' ').includes(groupsScope)) return {};
  return { groups: await groups.namesOf(tenantId, userId) };
}

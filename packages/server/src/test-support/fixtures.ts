import { afterAll, beforeAll, beforeEach } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import type { Tenant } from '../tenants/tenant-service.js';
import type { User } from '../users/user-service.js';
import { type MoreHandles, openMoreHandles } from './connections.js';
import type { TestDatabaseHandle } from './databases.js';
import { createTestServices, type TestServices } from './services.js';

/** The directory most store tests start from: tenants `acme` and `other`, users alice and bob in acme. */
export interface Directory {
  readonly acme: Tenant;
  readonly other: Tenant;
  readonly alice: User;
  readonly bob: User;
}

export async function seedDirectory(services: TestServices): Promise<Directory> {
  const acme = await services.tenants.create({ slug: 'acme' }, operatorActor);
  const other = await services.tenants.create({ slug: 'other' }, operatorActor);
  const alice = await services.users.create({ tenantId: acme.id, email: 'alice@example.com' }, operatorActor);
  const bob = await services.users.create({ tenantId: acme.id, email: 'bob@example.com' }, operatorActor);
  return { acme, other, alice, bob };
}

/**
 * Several "instances" on the calling describe's database: each its own connection(s) and
 * services, sharing one clock with `services()`, for races that must hold across instances.
 */
export function useInstanceFleet(
  database: () => TestDatabaseHandle,
  services: () => TestServices,
  instances: number,
): () => TestServices[] {
  let more: MoreHandles;
  let fleet: TestServices[] = [];
  beforeAll(async () => {
    more = await openMoreHandles(database(), instances);
  });
  afterAll(async () => {
    await more.close();
  });
  beforeEach(async () => {
    fleet = more.handles.map((h) => createTestServices(h, { clock: services().clock }));
    await more.warm();
  });
  return () => fleet;
}

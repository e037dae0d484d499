import { TwofoldError } from '@twofold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MoreHandles, openMoreHandles } from '../../test-support/connections.js';
import { testBackends } from '../../test-support/databases.js';
import { useTestDatabase } from '../../test-support/shared-database.js';

for (const backend of testBackends) {
  describe(`unit of work (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    /** Another instance on the same database: it sees only what is committed. */
    let other: MoreHandles;
    beforeAll(async () => {
      other = await openMoreHandles(database(), 1);
    });
    afterAll(async () => {
      await other.close();
    });

    const tenant = (i: number) => ({
      id: `t${i}`,
      slug: `s${i}`,
      name: `n${i}`,
      policy: '{}',
      created_at: i,
    });
    const slugsSeenElsewhere = async () =>
      (await other.handles[0]!.db.selectFrom('tenants').select('slug').orderBy('slug').execute()).map(
        (r) => r.slug,
      );

    it('stores every write of the work once it is done, and only then', async () => {
      const { db, unitOfWork } = database();
      const seenInside: string[][] = [];
      const result = await unitOfWork(async () => {
        await db.insertInto('tenants').values(tenant(1)).execute();
        await db.insertInto('tenants').values(tenant(2)).execute();
        // Its own writes are visible to the work itself.
        expect(await db.selectFrom('tenants').select('slug').orderBy('slug').execute()).toHaveLength(2);
        if (backend.name === 'postgres') seenInside.push(await slugsSeenElsewhere());
        return 'done';
      });
      expect(result).toBe('done');
      if (backend.name === 'postgres') expect(seenInside).toEqual([[]]); // one transaction: nothing before the end
      expect(await slugsSeenElsewhere()).toEqual(['s1', 's2']);
    });

    it('keeps the writes of work that threw (a wrong code still counts), and throws what it threw', async () => {
      const { db, unitOfWork } = database();
      const refusal = new TwofoldError('otp_invalid', 'that code did not work');
      await expect(
        unitOfWork(async () => {
          await db.insertInto('tenants').values(tenant(3)).execute();
          throw refusal;
        }),
      ).rejects.toBe(refusal);
      expect(await slugsSeenElsewhere()).toEqual(['s3']);
    });

    it('a transaction inside the work is undone alone when it fails', async () => {
      const { db, unitOfWork } = database();
      await unitOfWork(async () => {
        await db.insertInto('tenants').values(tenant(4)).execute();
        await expect(
          db.transaction().execute(async (trx) => {
            await trx.insertInto('tenants').values(tenant(5)).execute();
            throw new Error('undo this part');
          }),
        ).rejects.toThrow('undo this part');
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('tenants').values(tenant(6)).execute();
        });
      });
      expect(await slugsSeenElsewhere()).toEqual(['s4', 's6']);
    });

    it('queries started at once inside the work all run', async () => {
      const { db, unitOfWork } = database();
      await unitOfWork(() =>
        Promise.all(
          [1, 2, 3, 4].map((i) =>
            db
              .insertInto('tenants')
              .values(tenant(10 + i))
              .execute(),
          ),
        ),
      );
      expect(await slugsSeenElsewhere()).toEqual(['s11', 's12', 's13', 's14']);
    });

    it('work started inside and still running after the unit ends uses a connection of its own', async () => {
      const { db, unitOfWork } = database();
      let later: Promise<unknown> | undefined;
      await unitOfWork(async () => {
        later = new Promise((resolve) => setTimeout(resolve, 30)).then(() =>
          db.insertInto('tenants').values(tenant(20)).execute(),
        );
      });
      await later;
      expect(await slugsSeenElsewhere()).toEqual(['s20']);
    });

    it('a unit inside a unit is part of it', async () => {
      const { db, unitOfWork } = database();
      await unitOfWork(async () => {
        await db.insertInto('tenants').values(tenant(21)).execute();
        await unitOfWork(() => db.insertInto('tenants').values(tenant(22)).execute());
      });
      expect(await slugsSeenElsewhere()).toEqual(['s21', 's22']);
    });

    if (backend.name === 'postgres') {
      it('a statement that fails aborts the whole unit: nothing is stored and the answer is service_unavailable, whatever the work went on to say', async () => {
        const { db, unitOfWork } = database();
        await db.insertInto('tenants').values(tenant(30)).execute();
        const attempt = unitOfWork(async () => {
          await db.insertInto('tenants').values(tenant(31)).execute();
          // The work swallows the database's refusal and answers as if all was well.
          await db
            .insertInto('tenants')
            .values({ ...tenant(32), slug: 's30' })
            .execute()
            .catch(() => undefined);
          return 'looks fine';
        });
        await expect(attempt).rejects.toMatchObject({ code: 'service_unavailable' });
        expect(await slugsSeenElsewhere()).toEqual(['s30']);
        // The connection went back to the pool in a usable state.
        await unitOfWork(() => db.insertInto('tenants').values(tenant(33)).execute());
        expect(await slugsSeenElsewhere()).toEqual(['s30', 's33']);
      });
    }
  });
}

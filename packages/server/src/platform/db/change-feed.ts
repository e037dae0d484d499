/**
 * Whether rows this instance keeps in memory (a cache) may have been changed by someone else: another
 * process on the same SQLite file (a `twofold` command beside the server), or another instance on
 * the same PostgreSQL database (scale-out). A cache asks `trusted()` before each use, and drops what
 * it holds when `onChange` calls it; changes this instance makes itself it drops by itself.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { DatabaseCounters } from './database-counters.js';

export interface ChangeFeed {
  /**
   * Whether a cache may answer now. First hands every change heard since the last call to the
   * listeners; false while changes made elsewhere could go unheard (then read the database).
   */
  trusted(): boolean;
  /** Calls `listener` for every change made elsewhere, and whenever some may have been missed. */
  onChange(listener: () => void): void;
  /** Tells the other instances that this one changed something (call after its commit). */
  announce(): void;
}

/**
 * SQLite's: `PRAGMA data_version` changes when another connection commits to the file. It is read
 * at most once per event-loop turn (a request arriving in the turn of another process's commit
 * is served as one arriving a moment earlier would be), and counted as a statement.
 */
export function sqliteChangeFeed(sqlite: BetterSqlite3.Database, counters: DatabaseCounters): ChangeFeed {
  const listeners: (() => void)[] = [];
  let version: unknown;
  let readThisTurn = false;
  let statement: BetterSqlite3.Statement | undefined;
  return {
    trusted() {
      if (readThisTurn) return true;
      readThisTurn = true;
      setImmediate(() => {
        readThisTurn = false;
      });
      statement ??= sqlite.prepare('pragma data_version').pluck();
      counters.statements++;
      const now = statement.get();
      if (version !== undefined && now !== version) for (const listener of listeners) listener();
      version = now;
      return true;
    },
    onChange(listener) {
      listeners.push(listener);
    },
    // Other processes read data_version themselves.
    announce() {},
  };
}

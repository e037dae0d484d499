/**
 * The authenticator's IndexedDB: one object store of values by key. `vault` holds the vault file text (the core
 * format, always encrypted), `lastBackup` the time of the last backup download (ms), and `push:<deviceId>` the
 * non-extractable CryptoKey that signs a push device's requests (IndexedDB stores CryptoKey objects as they are).
 */
const DB_NAME = 'twofold-authenticator';
const STORE = 'kv';

let opened: Promise<IDBDatabase> | undefined;

function database(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
  });
  return opened;
}

function run<T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  return database().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const transaction = db.transaction(STORE, mode);
        const request = use(transaction.objectStore(STORE));
        // Resolve once the transaction is committed, so a written vault is durable before the UI says so.
        transaction.oncomplete = () => resolve(request.result as T);
        transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
        transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
      }),
  );
}

export function getValue<T>(key: string): Promise<T | undefined> {
  return run<T | undefined>('readonly', (store) => store.get(key));
}

export async function putValue(key: string, value: unknown): Promise<void> {
  await run('readwrite', (store) => store.put(value, key));
}

export async function deleteValue(key: string): Promise<void> {
  await run('readwrite', (store) => store.delete(key));
}

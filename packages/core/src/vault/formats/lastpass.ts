import { EntryCollector } from './collector.js';
import { invalidFile } from './crypto.js';
import type { FormatReader } from './format.js';
import { asObject, stringAt } from './source.js';

/**
 * LastPass Authenticator exports (JSON, "Export accounts to file"): {version, accounts: [{issuerName, userName,
 * secret (base32), timeStep, digits, algorithm, isFavorite, folderData {folderId}}], folders: [{id, name}]}.
 */
const WHAT = 'LastPass Authenticator export';

export const lastPassFormat: FormatReader = {
  name: 'lastpass',
  title: 'a LastPass Authenticator export',
  detect(source) {
    const file = asObject(source.json);
    const first = Array.isArray(file?.['accounts'])
      ? asObject((file['accounts'] as unknown[])[0])
      : undefined;
    return first !== undefined && 'issuerName' in first && 'secret' in first;
  },
  async read(source, options) {
    const file = asObject(source.json);
    const accounts = file?.['accounts'];
    if (!Array.isArray(accounts)) invalidFile(WHAT, 'accounts must be an array');
    const folders = new Map<number | string, string>();
    if (Array.isArray(file?.['folders'])) {
      for (const value of file['folders']) {
        const folder = asObject(value);
        const id = folder?.['id'];
        if ((typeof id === 'number' || typeof id === 'string') && typeof folder?.['name'] === 'string')
          folders.set(id, folder['name']);
      }
    }
    const collector = new EntryCollector(accounts.length, options.onProgress);
    accounts.forEach((value, index) => {
      const account = asObject(value);
      const issuer = stringAt(account, 'issuerName') || stringAt(account, 'originalIssuerName');
      const name = stringAt(account, 'userName') || stringAt(account, 'originalUserName');
      collector.add(`account ${index + 1}`, [issuer, name].filter(Boolean).join(' / '), () => {
        if (typeof account?.['secret'] !== 'string') throw new Error('the account has no secret');
        const folderId = asObject(account['folderData'])?.['folderId'];
        const folder =
          typeof folderId === 'number' || typeof folderId === 'string' ? folders.get(folderId) : undefined;
        return {
          type: 'totp',
          issuer,
          name,
          secret: account['secret'],
          algorithm: account['algorithm'],
          digits: account['digits'],
          period: account['timeStep'],
          favorite: account['isFavorite'] === true,
          ...(folder === undefined ? {} : { groups: [folder] }),
        };
      });
    });
    return collector.result('lastpass');
  },
};

import { fromUtf8 } from '../bytes.js';
import { EntryCollector } from './collector.js';
import { invalidFile } from './crypto.js';
import type { FormatReader } from './format.js';
import { asObject, type ImportSource, stringAt } from './source.js';

/**
 * Proton Pass exports (ZIP holding "Proton Pass/data.json"; WebClients pass export): {encrypted, vaults: {<id>:
 * {name, items: [{state, data: {type, metadata {name, note}, content {itemUsername, itemEmail, totpUri},
 * extraFields [{type 'totp', data {totpUri}}]}, pinned}]}}}. Items in the trash (state 2) are left out.
 */
const WHAT = 'Proton Pass export';
const DATA = /(^|\/)data\.json$/;
const TRASHED = 2;

function dataEntry(source: ImportSource) {
  return source.zip?.find((entry) => DATA.test(entry.name) && entry.name.startsWith('Proton Pass'));
}

export const protonPassFormat: FormatReader = {
  name: 'proton-pass',
  title: 'a Proton Pass export',
  detect(source) {
    return dataEntry(source) !== undefined;
  },
  async read(source, options) {
    const entry = dataEntry(source) ?? invalidFile(WHAT, 'the archive has no Proton Pass/data.json');
    let file: Record<string, unknown> | undefined;
    try {
      file = asObject(JSON.parse(fromUtf8(entry.read(options.password))));
    } catch (error) {
      if (error instanceof Error && 'code' in error) throw error;
      invalidFile(WHAT, 'data.json is not JSON');
    }
    if (file?.['encrypted'] === true) {
      invalidFile(WHAT, 'the export is PGP-encrypted: export it again from Proton Pass without encryption');
    }
    const vaults = Object.values(asObject(file?.['vaults']) ?? {});
    const items = vaults.flatMap((vault) => {
      const list = asObject(vault)?.['items'];
      const vaultName = stringAt(asObject(vault), 'name');
      return Array.isArray(list) ? list.map((item) => ({ item: asObject(item), vaultName })) : [];
    });
    const collector = new EntryCollector(items.length, options.onProgress);
    let trashed = 0;
    items.forEach(({ item, vaultName }, index) => {
      const data = asObject(item?.['data']);
      const content = asObject(data?.['content']);
      const metadata = asObject(data?.['metadata']);
      const title = stringAt(metadata, 'name');
      const user = stringAt(content, 'itemUsername') || stringAt(content, 'itemEmail');
      const uris = [
        stringAt(content, 'totpUri'),
        ...(Array.isArray(data?.['extraFields']) ? data['extraFields'] : [])
          .map((field) => asObject(field))
          .filter((field) => field?.['type'] === 'totp')
          .map((field) => stringAt(asObject(field?.['data']), 'totpUri')),
      ].filter((uri) => uri !== '');
      if (uris.length === 0) return;
      if (item?.['state'] === TRASHED) {
        trashed += uris.length;
        return;
      }
      for (const [n, uri] of uris.entries()) {
        collector.addUri(
          `item ${index + 1}${uris.length > 1 ? `, code ${n + 1}` : ''}`,
          /^[a-z]+:\/\//i.test(uri)
            ? uri
            : `otpauth://totp/?secret=${encodeURIComponent(uri.replace(/\s/g, ''))}`,
          { favorite: item?.['pinned'] === true, ...(vaultName ? { groups: [vaultName] } : {}) },
          { issuer: title, name: user },
        );
      }
    });
    collector.trashed += trashed;
    return collector.result('proton-pass');
  },
};

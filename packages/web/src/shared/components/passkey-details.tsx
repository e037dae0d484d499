import { t } from '../../i18n/i18n.js';

/** What a passkey is, as Security info and the console say it: its model when known, synced or bound to one device. */
export function passkeyKind(method: {
  readonly type: string;
  readonly model?: string | undefined;
  readonly synced?: boolean | undefined;
}): string | undefined {
  if (method.type !== 'passkey' || method.synced === undefined) return undefined;
  const kind = t(method.synced ? 'passkeys.kind.synced' : 'passkeys.kind.deviceBound');
  return method.model ? t('passkeys.details', { model: method.model, kind }) : kind;
}

/** The line under a passkey's name. */
export function PasskeyKind(props: { method: Parameters<typeof passkeyKind>[0] }) {
  const kind = passkeyKind(props.method);
  return kind ? <span class="hint passkey-kind">{kind}</span> : null;
}

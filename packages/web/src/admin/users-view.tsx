import { useEffect, useRef, useState } from 'preact/hooks';
import { formatList, t } from '../i18n/i18n.js';
import { CellLabel } from '../shared/components/data-table.js';
import { Dialog } from '../shared/components/dialog.js';
import { FormError } from '../shared/components/field.js';
import { Heading } from '../shared/components/layout.js';
import { adminMessage } from './admin-messages.js';
import { Badges, Loading, LoadMore, SuccessNotice } from './components.js';
import type { Console } from './console.js';
import { userBadges } from './format.js';
import { ImportUsersForm } from './import-dialog.js';
import { can, roleName } from './roles.js';
import { formatRoute, userHash } from './routes.js';
import type { AdminUser } from './types.js';
import { CreateUserForm } from './user-form.js';

/** How long typing pauses before the search goes to the server. */
export const searchDelayMs = 300;

/** Users: a server-side search, the table read page by page, and "Create user" for global admins. */
export function UsersView(props: {
  console: Console;
  query: string;
  notice?: string | undefined;
  focus: boolean;
}) {
  const { admin, me, navigate } = props.console;
  const [text, setText] = useState(props.query);
  const [query, setQuery] = useState(props.query);
  const [users, setUsers] = useState<readonly AdminUser[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [imported, setImported] = useState('');
  const request = useRef(0);

  // Back and forward change the address: the search follows it.
  useEffect(() => {
    setText(props.query);
    setQuery(props.query);
  }, [props.query]);

  // The search waits for a pause in typing, and keeps the term in the address (replacing, not adding, history).
  useEffect(() => {
    if (text.trim() === query) return;
    const timer = setTimeout(() => {
      const term = text.trim();
      setQuery(term);
      history.replaceState(null, '', formatRoute({ view: 'users', params: { query: term } }));
    }, searchDelayMs);
    return () => clearTimeout(timer);
  }, [text]);

  async function load(cursor: string | null) {
    const ticket = ++request.current;
    setBusy(true);
    const result = await admin.listUsers({ query, cursor });
    // An older answer that arrives after a newer search is dropped.
    if (ticket !== request.current) return;
    setBusy(false);
    if (!result.ok) {
      setError(adminMessage(result.problem));
      return;
    }
    setError(undefined);
    setUsers((current) => (cursor && current ? [...current, ...result.data.users] : result.data.users));
    setNextCursor(result.data.nextCursor);
  }

  useEffect(() => {
    void load(null);
  }, [query]);

  const now = Date.now();
  return (
    <section aria-labelledby="users-title">
      <div class="section-head section-head-top">
        <Heading id="users-title" focus={props.focus}>
          {t('admin.users.title')}
        </Heading>
        <div class="actions actions-start">
          {can(me.roles, 'users.import') ? (
            <button type="button" class="secondary" onClick={() => setImporting(true)}>
              {t('adminImport.button')}
            </button>
          ) : null}
          {can(me.roles, 'users.create') ? (
            <button type="button" onClick={() => setCreating(true)}>
              {t('admin.users.create')}
            </button>
          ) : null}
        </div>
      </div>
      <SuccessNotice message={imported || (props.notice ?? '')} />
      <form
        class="search"
        onSubmit={(event) => {
          event.preventDefault();
          setQuery(text.trim());
        }}
      >
        <label for="user-search">{t('admin.users.search')}</label>
        <input
          id="user-search"
          name="query"
          type="search"
          value={text}
          autoComplete="off"
          spellcheck={false}
          placeholder={t('admin.users.searchPlaceholder')}
          aria-describedby="user-search-hint"
          onInput={(event) => setText(event.currentTarget.value)}
        />
        <p class="hint" id="user-search-hint">
          {t('admin.users.searchHint')}
        </p>
      </form>
      <FormError id="users-error" message={error} />
      {users === undefined ? (
        error ? null : (
          <Loading>{t('admin.users.loading')}</Loading>
        )
      ) : users.length === 0 ? (
        <p class="empty">{query ? t('admin.users.noMatch', { query }) : t('admin.users.none')}</p>
      ) : (
        <>
          <p class="muted result-count" aria-live="polite">
            {t('admin.users.count', {
              count: users.length,
              more: nextCursor ? 'yes' : 'no',
              query: query || '',
              matching: query ? 'yes' : 'no',
            })}
          </p>
          <table class="methods data-table" aria-labelledby="users-title">
            <thead>
              <tr>
                <th scope="col">{t('admin.user.email')}</th>
                <th scope="col">{t('admin.user.name')}</th>
                <th scope="col">{t('admin.user.roles')}</th>
                <th scope="col">{t('admin.users.status')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id}>
                  <td>
                    <CellLabel>{t('admin.user.email')}</CellLabel>
                    <a href={userHash(user.id)}>{user.email}</a>
                  </td>
                  <td>
                    <CellLabel>{t('admin.user.name')}</CellLabel>
                    {user.displayName || <span class="muted">—</span>}
                  </td>
                  <td>
                    <CellLabel>{t('admin.user.roles')}</CellLabel>
                    {user.roles.length ? (
                      formatList(user.roles.map(roleName))
                    ) : (
                      <span class="muted">{t('admin.users.plainUser')}</span>
                    )}
                  </td>
                  <td>
                    <CellLabel>{t('admin.users.status')}</CellLabel>
                    <Badges badges={userBadges(user, now)} empty={t('admin.users.ok')} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <LoadMore nextCursor={nextCursor} busy={busy} onMore={() => void load(nextCursor)} />
        </>
      )}
      <Dialog open={creating} labelledBy="create-title" onClose={() => setCreating(false)}>
        <CreateUserForm
          create={(user) => admin.createUser(user)}
          onCancel={() => setCreating(false)}
          onCreated={(user) => {
            setCreating(false);
            navigate(userHash(user.id), t('admin.create.done', { who: user.email }));
          }}
        />
      </Dialog>
      <Dialog open={importing} labelledBy="import-title" onClose={() => setImporting(false)}>
        {importing ? (
          <ImportUsersForm
            admin={admin}
            onCancel={() => setImporting(false)}
            onImported={(count) => {
              setImporting(false);
              setImported(t('adminImport.done', { count }));
              void load(null);
            }}
          />
        ) : null}
      </Dialog>
    </section>
  );
}

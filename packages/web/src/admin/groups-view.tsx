/**
 * Groups: the tenant's groups (applications see a user's group names in the `groups` claim), one group's
 * members, creating, renaming and deleting a group, adding and removing members; and a user's groups on
 * their page.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t, tRich } from '../i18n/i18n.js';
import type { ApiResult, Problem } from '../shared/api.js';
import { DataTable, None } from '../shared/components/data-table.js';
import { Dialog } from '../shared/components/dialog.js';
import { FormError, TextField } from '../shared/components/field.js';
import { Heading, useFocusOnMount } from '../shared/components/layout.js';
import { CancelSubmit } from '../shared/components/step-actions.js';
import type { AdminApi } from './admin-api.js';
import { adminMessage } from './admin-messages.js';
import { Loading, SuccessNotice } from './components.js';
import { ConfirmDialog, type ConfirmSpec } from './confirm-dialog.js';
import type { Console } from './console.js';
import { can } from './roles.js';
import { formatRoute, groupHash, userHash } from './routes.js';
import type { Group, GroupDetail, GroupList, NewGroup } from './types.js';

const strong = (chunks: ComponentChildren[]) => <strong>{chunks}</strong>;

/** The list of groups, a search by name, and "New group" for those who manage groups. */
export function GroupsView(props: {
  console: Console;
  query: string;
  notice: string | undefined;
  focus: boolean;
}) {
  const { admin, me } = props.console;
  const manages = can(me.roles, 'groups.manage');
  const [list, setList] = useState<GroupList>();
  const [problem, setProblem] = useState<Problem>();
  const [query, setQuery] = useState(props.query);
  const [creating, setCreating] = useState(false);

  async function load() {
    const result = await admin.listGroups({ query: props.query });
    if (result.ok) {
      setList(result.data);
      setProblem(undefined);
    } else setProblem(result.problem);
  }

  useEffect(() => {
    void load();
  }, [props.query]);

  function search(event: Event) {
    event.preventDefault();
    props.console.navigate(formatRoute({ view: 'groups', params: { query: query.trim() } }));
  }

  return (
    <section aria-labelledby="groups-title">
      <div class="section-head section-head-top">
        <Heading id="groups-title" focus={props.focus}>
          {t('adminGroups.title')}
        </Heading>
        {manages ? (
          <button type="button" onClick={() => setCreating(true)}>
            {t('adminGroups.createButton')}
          </button>
        ) : null}
      </div>
      <p class="lead">{t('adminGroups.lead')}</p>
      <SuccessNotice message={props.notice ?? ''} />
      <form class="search" onSubmit={search}>
        <TextField
          id="group-search"
          label={t('adminGroups.search.label')}
          value={query}
          onValue={setQuery}
          autoComplete="off"
          maxLength={200}
        />
        <button type="submit" class="secondary">
          {t('adminGroups.search.submit')}
        </button>
      </form>
      <FormError id="groups-error" message={problem ? adminMessage(problem) : undefined} />
      {list === undefined ? (
        problem ? (
          <button type="button" onClick={() => void load()}>
            {t('common.action.tryAgain')}
          </button>
        ) : (
          <Loading>{t('adminGroups.loading')}</Loading>
        )
      ) : list.groups.length === 0 ? (
        <p class="empty">
          {props.query
            ? t('adminGroups.noMatch', { query: props.query })
            : t(manages ? 'adminGroups.noneManage' : 'adminGroups.none')}
        </p>
      ) : (
        <>
          <p class="muted result-count">
            {list.total > list.groups.length
              ? t('adminGroups.shown', { shown: list.groups.length, total: list.total })
              : t('adminGroups.count', { count: list.total })}
          </p>
          <DataTable<GroupList['groups'][number]>
            items={list.groups}
            class="groups-table"
            labelledBy="groups-title"
            columns={[
              {
                label: t('adminGroups.name'),
                class: 'wrap',
                cell: (group) => <a href={groupHash(group.id)}>{group.name}</a>,
              },
              {
                label: t('adminGroups.description'),
                class: 'wrap',
                cell: (group) => group.description || <None />,
              },
              {
                label: t('adminGroups.members'),
                cell: (group) => t('adminGroups.memberCount', { count: group.memberCount }),
              },
            ]}
          />
        </>
      )}
      <Dialog open={creating} labelledBy="group-form-title" onClose={() => setCreating(false)}>
        {creating ? (
          <GroupForm
            title={t('adminGroups.create.title')}
            submitLabel={t('adminGroups.create.submit')}
            initial={{ name: '', description: '' }}
            save={(group) => admin.createGroup(group)}
            onCancel={() => setCreating(false)}
            onSaved={(group) =>
              props.console.navigate(groupHash(group.id), t('adminGroups.create.done', { name: group.name }))
            }
          />
        ) : null}
      </Dialog>
    </section>
  );
}

/** Name and description of a new group, or of one being renamed. */
function GroupForm(props: {
  title: string;
  submitLabel: string;
  initial: NewGroup;
  save: (group: NewGroup) => Promise<ApiResult<Group>>;
  onCancel: () => void;
  onSaved: (group: Group) => void;
}) {
  const [name, setName] = useState(props.initial.name);
  const [description, setDescription] = useState(props.initial.description ?? '');
  const [nameError, setNameError] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const nameRef = useFocusOnMount<HTMLInputElement>();

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    setError(undefined);
    if (name.trim() === '') {
      setNameError(t('adminGroups.nameRequired'));
      nameRef.current?.focus();
      return;
    }
    setNameError(undefined);
    setBusy(true);
    const result = await props.save({ name: name.trim(), description: description.trim() });
    setBusy(false);
    if (result.ok) {
      props.onSaved(result.data);
      return;
    }
    if (result.problem.code === 'group_exists' || result.problem.code === 'validation_failed') {
      setNameError(adminMessage(result.problem));
      nameRef.current?.focus();
    } else setError(adminMessage(result.problem));
  }

  return (
    <form onSubmit={submit} noValidate>
      <Heading level={2} id="group-form-title">
        {props.title}
      </Heading>
      <TextField
        id="group-name"
        label={t('adminGroups.name')}
        value={name}
        onValue={setName}
        error={nameError}
        hint={t('adminGroups.create.nameHint')}
        autoComplete="off"
        maxLength={100}
        inputRef={nameRef}
      />
      <TextField
        id="group-description"
        label={t('adminGroups.description')}
        value={description}
        onValue={setDescription}
        hint={t('adminGroups.create.descriptionHint')}
        autoComplete="off"
        maxLength={500}
      />
      <FormError id="group-form-error" message={error} />
      <CancelSubmit onCancel={props.onCancel} busy={busy} label={props.submitLabel} />
    </form>
  );
}

/** One group: its members, adding one by email, removing one; renaming and deleting the group. */
export function GroupView(props: {
  console: Console;
  groupId: string;
  notice: string | undefined;
  focus: boolean;
}) {
  const { admin, me } = props.console;
  const manages = can(me.roles, 'groups.manage');
  const [group, setGroup] = useState<GroupDetail>();
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState(props.notice ?? '');
  const [editing, setEditing] = useState(false);
  const [confirm, setConfirm] = useState<ConfirmSpec>();

  async function load() {
    const result = await admin.getGroup(props.groupId);
    if (result.ok) {
      setGroup(result.data);
      setProblem(undefined);
    } else setProblem(result.problem);
  }

  useEffect(() => {
    void load();
  }, [props.groupId]);

  const back = (
    <p class="back-link">
      <a href={formatRoute({ view: 'groups', params: {} })}>{t('adminGroups.back')}</a>
    </p>
  );
  if (group === undefined) {
    return (
      <section aria-labelledby="group-title">
        {back}
        <Heading id="group-title" focus={props.focus}>
          {t('adminGroups.groupTitle')}
        </Heading>
        <FormError id="group-error" message={problem ? adminMessage(problem) : undefined} />
        {problem ? null : <Loading>{t('adminGroups.loading')}</Loading>}
      </section>
    );
  }
  const current = group;

  function askDelete() {
    setNotice('');
    setConfirm({
      title: t('adminGroups.delete.title', { name: current.name }),
      body: <p>{tRich('adminGroups.delete.body', { strong, name: current.name })}</p>,
      confirmLabel: t('adminGroups.delete.confirm'),
      busyLabel: t('common.action.deleting'),
      danger: true,
      reason: 'none',
      run: async () => {
        const result = await admin.deleteGroup(current.id);
        if (!result.ok) return result.problem;
        props.console.navigate(
          formatRoute({ view: 'groups', params: {} }),
          t('adminGroups.delete.done', { name: current.name }),
        );
        return undefined;
      },
    });
  }

  async function remove(member: GroupDetail['members'][number]) {
    setNotice('');
    const result = await admin.removeGroupMember(current.id, member.id);
    if (!result.ok) {
      setProblem(result.problem);
      return;
    }
    setNotice(t('adminGroups.member.removed', { email: member.email, name: current.name }));
    await load();
  }

  return (
    <section aria-labelledby="group-title">
      {back}
      <div class="section-head section-head-top">
        <Heading id="group-title" focus={props.focus}>
          {current.name}
        </Heading>
        {manages ? (
          <div class="actions actions-start">
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setNotice('');
                setEditing(true);
              }}
            >
              {t('adminGroups.edit.button')}
            </button>
            <button type="button" class="danger" onClick={askDelete}>
              {t('adminGroups.delete.button')}
            </button>
          </div>
        ) : null}
      </div>
      {current.description ? <p class="lead">{current.description}</p> : null}
      <SuccessNotice message={notice} />
      <FormError id="group-error" message={problem ? adminMessage(problem) : undefined} />
      <h2 id="members-title">{t('adminGroups.member.title')}</h2>
      {manages ? (
        <AddMember
          admin={admin}
          group={current}
          onAdded={(message) => {
            setProblem(undefined);
            setNotice(message);
            void load();
          }}
        />
      ) : null}
      {current.members.length === 0 ? (
        <p class="empty">{t('adminGroups.member.none')}</p>
      ) : (
        <DataTable<GroupDetail['members'][number]>
          items={current.members}
          class="members-table"
          labelledBy="members-title"
          columns={[
            {
              label: t('adminGroups.member.email'),
              class: 'wrap',
              cell: (member) => <a href={userHash(member.id)}>{member.email}</a>,
            },
            {
              label: t('adminGroups.member.displayName'),
              class: 'wrap',
              cell: (member) => member.displayName,
            },
          ]}
          actions={
            manages
              ? (member) => (
                  <button
                    type="button"
                    class="secondary small"
                    aria-label={t('adminGroups.member.removeLabel', { email: member.email })}
                    onClick={() => void remove(member)}
                  >
                    {t('adminGroups.member.remove')}
                  </button>
                )
              : undefined
          }
        />
      )}
      <Dialog open={editing} labelledBy="group-form-title" onClose={() => setEditing(false)}>
        {editing ? (
          <GroupForm
            title={t('adminGroups.edit.title')}
            submitLabel={t('adminGroups.edit.submit')}
            initial={{ name: current.name, description: current.description }}
            save={(change) => admin.updateGroup(current.id, change)}
            onCancel={() => setEditing(false)}
            onSaved={(saved) => {
              setEditing(false);
              setNotice(t('adminGroups.edit.done', { name: saved.name }));
              void load();
            }}
          />
        ) : null}
      </Dialog>
      <ConfirmDialog
        spec={confirm}
        onClose={() => setConfirm(undefined)}
        onDone={() => setConfirm(undefined)}
      />
    </section>
  );
}

/** An email field that finds the user (exactly that email) and adds them. */
function AddMember(props: { admin: AdminApi; group: GroupDetail; onAdded: (message: string) => void }) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const wanted = email.trim();
    if (busy || wanted === '') return;
    setBusy(true);
    setError(undefined);
    const found = await props.admin.listUsers({ query: wanted, limit: 20 });
    const user = found.ok
      ? found.data.users.find((u) => u.email.toLowerCase() === wanted.toLowerCase())
      : undefined;
    if (!found.ok) {
      setBusy(false);
      setError(adminMessage(found.problem));
      return;
    }
    if (!user) {
      setBusy(false);
      setError(t('adminGroups.member.notFound', { email: wanted }));
      return;
    }
    const already = props.group.members.some((m) => m.id === user.id);
    const result = await props.admin.addGroupMember(props.group.id, user.id);
    setBusy(false);
    if (!result.ok) {
      setError(adminMessage(result.problem));
      return;
    }
    setEmail('');
    props.onAdded(
      t(already ? 'adminGroups.member.already' : 'adminGroups.member.added', {
        email: user.email,
        name: props.group.name,
      }),
    );
  }

  return (
    <form class="search add-member" onSubmit={submit} noValidate>
      <TextField
        id="member-email"
        label={t('adminGroups.member.addLabel')}
        type="email"
        value={email}
        onValue={setEmail}
        error={error}
        autoComplete="off"
        maxLength={254}
      />
      <button type="submit" disabled={busy}>
        {t('adminGroups.member.addSubmit')}
      </button>
    </form>
  );
}

/** The groups a user belongs to, on their page (links to each group). */
export function UserGroups(props: { admin: AdminApi; userId: string }) {
  const [groups, setGroups] = useState<readonly Group[]>();
  const [problem, setProblem] = useState<Problem>();

  useEffect(() => {
    void (async () => {
      const result = await props.admin.listGroups({ userId: props.userId });
      if (result.ok) setGroups(result.data.groups);
      else setProblem(result.problem);
    })();
  }, [props.userId]);

  return (
    <>
      <h2 id="user-groups-title">{t('adminGroups.user.title')}</h2>
      <FormError id="user-groups-error" message={problem ? adminMessage(problem) : undefined} />
      {groups === undefined ? (
        problem ? null : (
          <Loading>{t('adminGroups.user.loading')}</Loading>
        )
      ) : groups.length === 0 ? (
        <p class="empty">{t('adminGroups.user.none')}</p>
      ) : (
        <ul class="user-groups" aria-labelledby="user-groups-title">
          {groups.map((group) => (
            <li key={group.id}>
              <a href={groupHash(group.id)}>{group.name}</a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

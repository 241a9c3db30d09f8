import { useCallback, useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import { FeedbackView, type Feedback } from '../components/Feedback';
import { PasswordPolicy } from '../components/PasswordPolicy';
import { formatDateTime } from '../format';
import { useTitle } from '../hooks';
import { t } from '../i18n';
import { checkPassword } from '../password';
import { ROLES, type Role, type SessionUser, type UserRecord } from '../types';

export function Users({ me }: { me: SessionUser }) {
  useTitle(t('users.title'));
  const [users, setUsers] = useState<UserRecord[] | null>(null);
  const [loadError, setLoadError] = useState<Feedback | null>(null);
  const [message, setMessage] = useState<Feedback | null>(null);

  const reload = useCallback(async () => {
    const r = await api.listUsers();
    if (r.ok) {
      setUsers([...(r.data.users ?? [])].sort((a, b) => a.username.localeCompare(b.username)));
      setLoadError(null);
    } else {
      setLoadError({ kind: 'error', err: r });
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  const done = (fb: Feedback) => {
    setMessage(fb);
    void reload();
  };
  const clear = () => setMessage(null);

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('users.title')}</h1>
      <FeedbackView feedback={loadError} testid="users-load-error" />
      <FeedbackView feedback={message} testid="users-message" />

      {users && (
        <div class="table-wrap">
          <table class="table table-cards">
            <thead>
              <tr>
                <th scope="col">{t('common.username')}</th>
                <th scope="col">{t('common.role')}</th>
                <th scope="col">{t('users.created')}</th>
                <th scope="col">{t('users.lastLogin')}</th>
                <th scope="col">{t('users.state')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.length === 0 && (
                <tr>
                  <td colSpan={6} class="muted">
                    {t('users.empty')}
                  </td>
                </tr>
              )}
              {users.map((u, i) => (
                <UserRow
                  key={u.username}
                  user={u}
                  index={i}
                  isSelf={u.username === me.username}
                  onStart={clear}
                  onResult={done}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}

      <AddUser onStart={clear} onAdded={done} />
    </section>
  );
}

type RowMode = 'idle' | 'reset' | 'delete';

function UserRow(props: {
  user: UserRecord;
  index: number;
  isSelf: boolean;
  onStart: () => void;
  onResult: (fb: Feedback) => void;
}) {
  const { user, isSelf } = props;
  const id = `user-${props.index}`;
  const [role, setRole] = useState<Role>(user.role);
  const [mode, setMode] = useState<RowMode>('idle');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Feedback | null>(null);

  // The list was reloaded with a new role: follow it.
  useEffect(() => setRole(user.role), [user.role]);

  const switchMode = (m: RowMode) => {
    setMode(m);
    setPassword('');
    setError(null);
  };

  async function run(call: () => Promise<api.ApiResult<unknown>>, success: Feedback) {
    setBusy(true);
    setError(null);
    props.onStart();
    const r = await call();
    setBusy(false);
    if (r.ok) {
      switchMode('idle');
      props.onResult(success);
    } else {
      setError({ kind: 'error', err: r });
    }
  }

  const saveRole = (e: Event) => {
    e.preventDefault();
    void run(() => api.updateUser(user.username, { role }), {
      kind: 'ok',
      key: 'users.roleChanged',
      vars: { user: user.username, role: t(`role.${role}`) },
    });
  };

  const resetPassword = (e: Event) => {
    e.preventDefault();
    const weak = checkPassword(user.username, password);
    if (weak) return setError({ kind: 'error', key: weak });
    void run(() => api.updateUser(user.username, { password }), {
      kind: 'ok',
      key: 'users.passwordReset',
      vars: { user: user.username },
    });
  };

  const remove = () =>
    run(() => api.deleteUser(user.username), { kind: 'ok', key: 'users.deleted', vars: { user: user.username } });

  return (
    <tr data-testid={`user-row-${user.username}`} class={user.locked ? 'row-locked' : undefined}>
      <th scope="row">
        {user.username}
        {isSelf && <span class="muted"> {t('users.you')}</span>}
      </th>
      <td data-label={t('common.role')}>
        <form class="inline" onSubmit={saveRole}>
          <label for={`${id}-role`} class="sr-only">
            {t('users.changeRole', { user: user.username })}
          </label>
          <select
            id={`${id}-role`}
            data-testid={`user-role-${user.username}`}
            value={role}
            disabled={isSelf || busy}
            title={isSelf ? t('users.selfHint') : undefined}
            onChange={(e) => setRole(e.currentTarget.value as Role)}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
          {role !== user.role && (
            <button type="submit" class="btn btn-small btn-primary" disabled={busy} data-testid={`user-role-save-${user.username}`}>
              {t('common.save')}
            </button>
          )}
        </form>
      </td>
      <td data-label={t('users.created')}>{formatDateTime(user.createdAt)}</td>
      <td data-label={t('users.lastLogin')}>{user.lastLoginAt ? formatDateTime(user.lastLoginAt) : <span class="muted">{t('users.never')}</span>}</td>
      <td data-label={t('users.state')}>
        {user.locked ? (
          <span class="badge badge-down">{t('users.locked')}</span>
        ) : (
          <span class="badge badge-ok">{t('users.active')}</span>
        )}
      </td>
      <td class="actions" data-label={t('common.actions')}>
        {mode === 'idle' && (
          <div class="btn-row">
            <button
              type="button"
              class="btn btn-small"
              disabled={isSelf}
              title={isSelf ? t('users.selfHint') : undefined}
              onClick={() => switchMode('reset')}
            >
              {t('users.resetPassword')}
            </button>
            <button type="button" class="btn btn-small btn-danger" disabled={isSelf} onClick={() => switchMode('delete')}>
              {t('users.delete')}
            </button>
          </div>
        )}
        {mode === 'reset' && (
          <form class="inline-form" onSubmit={resetPassword} noValidate>
            <label for={`${id}-pw`}>{t('users.newPasswordFor', { user: user.username })}</label>
            <input
              id={`${id}-pw`}
              type="password"
              autocomplete="new-password"
              autoFocus
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
            <div class="btn-row">
              <button type="submit" class="btn btn-small btn-primary" disabled={busy}>
                {t('common.save')}
              </button>
              <button type="button" class="btn btn-small" onClick={() => switchMode('idle')}>
                {t('common.cancel')}
              </button>
            </div>
          </form>
        )}
        {mode === 'delete' && (
          <div class="inline-form" role="group" aria-label={t('users.delete')}>
            <p>{t('users.confirmDelete', { user: user.username })}</p>
            <div class="btn-row">
              <button type="button" class="btn btn-small btn-danger" disabled={busy} autoFocus onClick={() => void remove()}>
                {t('users.confirmDeleteButton')}
              </button>
              <button type="button" class="btn btn-small" onClick={() => switchMode('idle')}>
                {t('common.cancel')}
              </button>
            </div>
          </div>
        )}
        <FeedbackView feedback={error} testid={`user-error-${user.username}`} />
      </td>
    </tr>
  );
}

function AddUser({ onStart, onAdded }: { onStart: () => void; onAdded: (fb: Feedback) => void }) {
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Feedback | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    onStart();
    const name = username.trim();
    if (!name) return setError({ kind: 'error', key: 'common.usernameMissing' });
    const weak = checkPassword(name, password);
    if (weak) return setError({ kind: 'error', key: weak });
    setBusy(true);
    setError(null);
    const r = await api.createUser(name, password, role);
    setBusy(false);
    if (!r.ok) return setError({ kind: 'error', err: r });
    setUsername('');
    setPassword('');
    setRole('viewer');
    onAdded({ kind: 'ok', key: 'users.added', vars: { user: name } });
  }

  return (
    <section class="panel" aria-labelledby="add-user-title">
      <h2 id="add-user-title">{t('users.add')}</h2>
      <form class="form-grid" onSubmit={submit} noValidate>
        <div class="field">
          <label for="add-username">{t('common.username')}</label>
          <input
            id="add-username"
            data-testid="add-user-username"
            autocomplete="off"
            autocapitalize="none"
            spellcheck={false}
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="add-role">{t('common.role')}</label>
          <select
            id="add-role"
            data-testid="add-user-role"
            value={role}
            onChange={(e) => setRole(e.currentTarget.value as Role)}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="add-password">{t('common.password')}</label>
          <input
            id="add-password"
            data-testid="add-user-password"
            type="password"
            autocomplete="new-password"
            aria-describedby="add-policy"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <div class="field field-submit">
          <button type="submit" class="btn btn-primary" data-testid="add-user-submit" disabled={busy}>
            {t('users.addSubmit')}
          </button>
        </div>
      </form>
      <PasswordPolicy id="add-policy" />
      <FeedbackView feedback={error} testid="add-user-error" />
    </section>
  );
}

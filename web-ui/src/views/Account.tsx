import { useState } from 'preact/hooks';
import * as api from '../api';
import { FeedbackView, type Feedback } from '../components/Feedback';
import { PasswordPolicy } from '../components/PasswordPolicy';
import { useTitle } from '../hooks';
import { t } from '../i18n';
import { checkPassword } from '../password';
import type { SessionUser } from '../types';

interface AccountProps {
  me: SessionUser;
  /** 204: the server ended every session of this user, this one included. */
  onPasswordChanged: () => void;
  /** A 401 turned out to be an expired session, not a wrong current password. */
  onSessionLost: () => void;
}

export function Account({ me, onPasswordChanged, onSessionLost }: AccountProps) {
  useTitle(t('account.title'));
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Feedback | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    if (!current) return setError({ kind: 'error', key: 'account.currentMissing' });
    const weak = checkPassword(me.username, next);
    if (weak) return setError({ kind: 'error', key: weak });
    if (next !== confirm) return setError({ kind: 'error', key: 'setup.mismatch' });
    setBusy(true);
    setError(null);
    const r = await api.changePassword(current, next);
    if (r.ok) return onPasswordChanged();
    if (r.status === 401) {
      // 401 is either "current password wrong" or "not signed in": ask.
      const s = await api.getSession();
      if (!s.ok && s.status === 401) return onSessionLost();
    }
    setBusy(false);
    setError({ kind: 'error', err: r });
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('account.title')}</h1>
      <div class="panel narrow">
        <h2>{t('account.changePassword')}</h2>
        <p class="muted">{t('account.note')}</p>
        <form onSubmit={submit} noValidate>
          {/* Lets password managers tie the new password to this account. */}
          <input type="text" class="sr-only" autocomplete="username" value={me.username} readOnly tabIndex={-1} aria-hidden="true" />
          <div class="field">
            <label for="account-current">{t('account.current')}</label>
            <input
              id="account-current"
              data-testid="account-current"
              type="password"
              autocomplete="current-password"
              value={current}
              onInput={(e) => setCurrent(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="account-next">{t('account.next')}</label>
            <input
              id="account-next"
              data-testid="account-next"
              type="password"
              autocomplete="new-password"
              aria-describedby="account-policy"
              value={next}
              onInput={(e) => setNext(e.currentTarget.value)}
            />
            <PasswordPolicy id="account-policy" />
          </div>
          <div class="field">
            <label for="account-confirm">{t('account.confirm')}</label>
            <input
              id="account-confirm"
              data-testid="account-confirm"
              type="password"
              autocomplete="new-password"
              value={confirm}
              onInput={(e) => setConfirm(e.currentTarget.value)}
            />
          </div>
          <FeedbackView feedback={error} testid="account-error" />
          <button type="submit" class="btn btn-primary" data-testid="account-submit" disabled={busy}>
            {busy ? t('common.working') : t('account.submit')}
          </button>
        </form>
      </div>
    </section>
  );
}

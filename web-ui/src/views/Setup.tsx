import { useState } from 'preact/hooks';
import * as api from '../api';
import { FeedbackView, type Feedback } from '../components/Feedback';
import { PasswordPolicy } from '../components/PasswordPolicy';
import { useTitle } from '../hooks';
import { t } from '../i18n';
import { checkPassword } from '../password';
import type { Session } from '../types';

type Field = 'username' | 'password' | 'confirm';

interface SetupProps {
  /** One-time token from the setup link (#token=…), null if missing. */
  token: string | null;
  onDone: (session: Session) => void;
}

export function Setup({ token, onDone }: SetupProps) {
  useTitle(t('setup.title'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Feedback | null>(null);
  const [badField, setBadField] = useState<Field | null>(null);

  function fail(fb: Feedback, field: Field | null) {
    setError(fb);
    setBadField(field);
    if (field) document.getElementById(`setup-${field}`)?.focus();
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    if (!token) return;
    const name = username.trim();
    if (!name) return fail({ kind: 'error', key: 'common.usernameMissing' }, 'username');
    const weak = checkPassword(name, password);
    if (weak) return fail({ kind: 'error', key: weak }, 'password');
    if (password !== confirm) return fail({ kind: 'error', key: 'setup.mismatch' }, 'confirm');

    setBusy(true);
    setError(null);
    setBadField(null);
    const r = await api.setup(token, name, password);
    setBusy(false);
    if (r.ok) return onDone(r.data);
    if (r.status === 401) return fail({ kind: 'error', key: 'setup.badToken' }, null);
    const field = r.body.field === 'username' || r.body.field === 'password' ? r.body.field : null;
    fail({ kind: 'error', err: r }, r.status === 400 ? (field ?? 'password') : null);
  }

  const invalid = (f: Field) => (badField === f ? true : undefined);
  const describedBy = (f: Field) => [badField === f && error ? 'setup-error' : '', f === 'password' ? 'setup-policy' : '']
    .filter(Boolean)
    .join(' ') || undefined;

  return (
    <main class="auth" id="main">
      <section class="panel auth-panel" aria-labelledby="setup-title">
        <h1 id="setup-title">{t('setup.title')}</h1>
        <p>{t('setup.intro')}</p>
        <form onSubmit={submit} noValidate>
          <div class="field">
            <label for="setup-username">{t('common.username')}</label>
            <input
              id="setup-username"
              data-testid="setup-username"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              required
              autoFocus
              aria-invalid={invalid('username')}
              aria-describedby={describedBy('username')}
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="setup-password">{t('common.password')}</label>
            <input
              id="setup-password"
              data-testid="setup-password"
              type="password"
              autocomplete="new-password"
              required
              aria-invalid={invalid('password')}
              aria-describedby={describedBy('password')}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
            <PasswordPolicy id="setup-policy" />
          </div>
          <div class="field">
            <label for="setup-confirm">{t('setup.confirm')}</label>
            <input
              id="setup-confirm"
              data-testid="setup-confirm"
              type="password"
              autocomplete="new-password"
              required
              aria-invalid={invalid('confirm')}
              aria-describedby={describedBy('confirm')}
              value={confirm}
              onInput={(e) => setConfirm(e.currentTarget.value)}
            />
          </div>
          <div id="setup-error">
            <FeedbackView feedback={token ? error : { kind: 'error', key: 'setup.noToken' }} testid="setup-error" />
          </div>
          <button type="submit" class="btn btn-primary" data-testid="setup-submit" disabled={busy || !token}>
            {busy ? t('common.working') : t('setup.submit')}
          </button>
        </form>
      </section>
    </main>
  );
}

import { t } from '../i18n';

export function PasswordPolicy(props: { id?: string }) {
  return (
    <div class="policy" id={props.id}>
      <span class="policy-title">{t('policy.title')}:</span>
      <ul>
        <li>{t('policy.length')}</li>
        <li>{t('policy.common')}</li>
        <li>{t('policy.username')}</li>
      </ul>
    </div>
  );
}

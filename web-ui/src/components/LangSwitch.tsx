import { LANG_NAMES, LANGS, getLang, isLang, setLang, t } from '../i18n';

export function LangSwitch() {
  return (
    <div class="lang">
      <label for="lang-switch" class="sr-only">
        {t('lang.label')}
      </label>
      <select
        id="lang-switch"
        data-testid="lang-switch"
        value={getLang()}
        onChange={(e) => {
          const v = e.currentTarget.value;
          if (isLang(v)) void setLang(v);
        }}
      >
        {LANGS.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANG_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}

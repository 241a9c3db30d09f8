// Entry point: bundled by web-ui/build.mjs into dist/app.js (+ dist/app.css).
import { render } from 'preact';
import './app.css';
import { App } from './App';
import { initLang } from './i18n';

// The texts of the language in use first (a small chunk), then the app.
void initLang().then(() => {
  const root = document.getElementById('app');
  if (root) {
    root.textContent = '';
    render(<App />, root);
  }
});

// Entry point: bundled by web-ui/build.mjs into dist/app.js (+ dist/app.css).
import { render } from 'preact';
import './app.css';
import { App } from './App';
import { initLang } from './i18n';

initLang();
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}

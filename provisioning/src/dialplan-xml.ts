// Dialplan extensions as XML text: an extension with one condition and its
// actions. Names, fields and application names are ours (constants); the data
// of each action is escaped here (xmlEscape) and, where it came from the
// configuration or a caller, passed through fsText() or a grammar before.
import { fsText, xmlEscape } from './xml.js';

export interface Action {
  app: string;
  data?: string;
}

export function extensionXml(name: string, field: string, expression: string, actions: Action[], opts: { continue?: boolean } = {}): string {
  const acts = actions.map((a) => `    <action application="${xmlEscape(a.app)}"${a.data === undefined ? '' : ` data="${xmlEscape(a.data)}"`}/>`).join('\n');
  return `<extension name="${xmlEscape(name)}"${opts.continue ? ' continue="true"' : ''}>
  <condition field="${xmlEscape(field)}" expression="${xmlEscape(expression)}">
${acts}
  </condition>
</extension>`;
}

/** set name=value, the value made plain text (no ${…} can form in it). */
export const set = (name: string, value: string): Action => ({ app: 'set', data: `${name}=${fsText(value)}` });

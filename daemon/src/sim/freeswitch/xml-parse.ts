// A small, strict XML 1.0 parser: the FreeSWITCH emulator reads the
// configuration provisioning writes (the dialplan, gateways, xml_curl
// bindings) and the daemon's xml_curl answers with it, and tests use it to
// prove a generated document is well-formed (one root, balanced tags, quoted attributes without
// `<`, only the five named entities or character references, no `]]>` in text,
// comments without `--`, no control characters) and to read it back as a tree.
// It throws with the offset of the first problem.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /[A-Za-z_:][A-Za-z0-9_.:-]*/y;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

export function parseXml(src: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML at offset ${i}: ${why} (near ${JSON.stringify(src.slice(Math.max(0, i - 20), i + 20))})`);
  };
  const bad = FORBIDDEN.exec(src);
  if (bad) {
    i = bad.index;
    fail('a character XML does not allow');
  }
  const ws = () => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const name = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(src);
    if (!m) fail('expected a name');
    i += m![0].length;
    return m![0];
  };
  const decode = (raw: string): string =>
    raw.replace(/&([^;]*);?/g, (whole: string, ref: string) => {
      if (!whole.endsWith(';')) fail(`bare & in ${JSON.stringify(raw)}`);
      if (ref in NAMED) return NAMED[ref]!;
      const m = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
      if (!m) fail(`unknown entity &${ref};`);
      const cp = m![1] ? parseInt(m![1], 16) : parseInt(m![2]!, 10);
      if (cp === 0 || (cp < 0x20 && ![9, 10, 13].includes(cp)) || cp > 0x10ffff) fail(`character reference to a forbidden character &${ref};`);
      return String.fromCodePoint(cp);
    });
  const misc = () => {
    for (;;) {
      ws();
      if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i + 4);
        if (end < 0) fail('unterminated comment');
        if (src.slice(i + 4, end).includes('--')) fail('"--" inside a comment');
        i = end + 3;
      } else if (src.startsWith('<?', i)) {
        const end = src.indexOf('?>', i);
        if (end < 0) fail('unterminated processing instruction');
        i = end + 2;
      } else return;
    }
  };
  const element = (): XmlElement => {
    if (src[i] !== '<') fail('expected <');
    i++;
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      ws();
      if (src.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      const an = name();
      ws();
      if (src[i] !== '=') fail('expected = after an attribute name');
      i++;
      ws();
      const q = src[i];
      if (q !== '"' && q !== "'") fail('attribute value not quoted');
      const end = src.indexOf(q!, i + 1);
      if (end < 0) fail('unterminated attribute value');
      const raw = src.slice(i + 1, end);
      if (raw.includes('<')) fail('< inside an attribute value');
      if (an in el.attrs) fail(`duplicate attribute ${an}`);
      el.attrs[an] = decode(raw);
      i = end + 1;
    }
    for (;;) {
      const lt = src.indexOf('<', i);
      if (lt < 0) fail(`element <${el.name}> not closed`);
      const text = src.slice(i, lt);
      if (text.includes(']]>')) fail(']]> in text');
      el.text += decode(text);
      i = lt;
      if (src.startsWith('</', i)) {
        i += 2;
        const n = name();
        if (n !== el.name) fail(`</${n}> closes <${el.name}>`);
        ws();
        if (src[i] !== '>') fail('expected >');
        i++;
        return el;
      }
      if (src.startsWith('<!--', i) || src.startsWith('<?', i)) {
        misc();
        continue;
      }
      if (src.startsWith('<![CDATA[', i) || src.startsWith('<!', i)) fail('CDATA or declarations are not expected in generated files');
      el.children.push(element());
    }
  };
  if (src.charCodeAt(0) === 0xfeff) i = 1;
  misc();
  const root = element();
  misc();
  if (i !== src.length) fail('content after the root element');
  return root;
}

/** Every element below (and including) root with this name, in document order. */
export function findAll(root: XmlElement, name: string, attrs: Record<string, string> = {}): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (e.name === name && Object.entries(attrs).every(([k, v]) => e.attrs[k] === v)) out.push(e);
    e.children.forEach(walk);
  };
  walk(root);
  return out;
}

export function findOne(root: XmlElement, name: string, attrs: Record<string, string> = {}): XmlElement {
  const all = findAll(root, name, attrs);
  if (all.length !== 1) throw new Error(`expected one <${name} ${JSON.stringify(attrs)}>, found ${all.length}`);
  return all[0]!;
}

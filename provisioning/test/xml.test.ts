// The escaping helpers and the test parser itself.
import t from 'tap';
import { fsText, regexEscape, unsafeSecretReason, xmlEscape } from '../src/xml.js';
import { parseXml } from './helpers/xml-parse.js';

t.test('xmlEscape escapes the five XML specials and nothing else', async (t) => {
  t.equal(xmlEscape(`a&b<c>d"e'f`), 'a&amp;b&lt;c&gt;d&quot;e&apos;f');
  t.equal(xmlEscape(']]>'), ']]&gt;');
  t.equal(xmlEscape('&amp;'), '&amp;amp;', 'already-escaped text is escaped again (it is data)');
  t.equal(xmlEscape('Tunnel km 1.2 – Ost'), 'Tunnel km 1.2 – Ost');
  for (const hostile of [`"/><user id="9999`, `' onload='x`, '<!-- x -->', '<![CDATA[x]]>', '&#0;', '<X-PRE-PROCESS cmd="exec" data="id"/>']) {
    const doc = parseXml(`<a v="${xmlEscape(hostile)}" w='${xmlEscape(hostile)}'>${xmlEscape(hostile)}</a>`);
    t.equal(doc.attrs.v, hostile, `attribute round-trips: ${hostile}`);
    t.equal(doc.attrs.w, hostile, `single-quoted attribute round-trips: ${hostile}`);
    t.equal(doc.text, hostile, `text round-trips: ${hostile}`);
    t.equal(doc.children.length, 0, 'no element injected');
  }
});

t.test('fsText leaves no FreeSWITCH expansion and no control characters', async (t) => {
  t.equal(fsText('Dispatch desk'), 'Dispatch desk');
  t.equal(fsText('${system(id)}'), '$(system(id))');
  t.equal(fsText('$${default_password}'), '$$(default_password)');
  t.equal(fsText('a\nb\r\tc\u0000d\u007fe\u0085f'), 'a b  c d e f');
  t.equal(fsText('Notruf 112 – Röhre Süd'), 'Notruf 112 – Röhre Süd', 'non-ASCII text stays');
  t.notMatch(fsText('x${y}${{z}}'), /\$\{/);
});

t.test('unsafeSecretReason refuses what FreeSWITCH would interpret', async (t) => {
  t.equal(unsafeSecretReason('Xk3-_plain-secret'), null);
  t.match(unsafeSecretReason('abc${x}defghij'), /expand/);
  t.match(unsafeSecretReason('abc\ndefghijkl'), /control/);
  t.equal(unsafeSecretReason('a&b<c>"d\'e$f{g}'), null, 'XML specials are fine: they are escaped');
});

t.test('regexEscape makes literals literal', async (t) => {
  const lit = 'a.b*c+(d)[e]{f}|g^h$i\\j?k/l-m';
  t.ok(new RegExp(`^${regexEscape(lit)}$`).test(lit));
  t.notOk(new RegExp(`^${regexEscape('a.b')}$`).test('axb'));
});

t.test('the test parser rejects what is not well-formed', async (t) => {
  for (const bad of ['<a>', '<a></b>', '<a x="1" x="2"/>', '<a x=1/>', '<a x="<"/>', '<a>&nbsp;</a>', '<a>& b</a>', '<a>]]></a>', '<a/><b/>', '<a><!-- -- --></a>', '<a>\u0001</a>', '<a>&#0;</a>', 'text<a/>']) {
    t.throws(() => parseXml(bad), bad);
  }
  t.equal(parseXml('<?xml version="1.0"?>\n<!-- c -->\n<a b="&lt;&#65;&#x42;"><c/>t</a>\n').attrs.b, '<AB');
});

// Building FreeSWITCH XML as text. Every value that comes from configuration
// or from a request goes through xmlAttr()/xmlText(); values that FreeSWITCH
// will later store in a channel variable also go through fsText() first.
//
// Why two layers: XML escaping keeps the document well-formed, but FreeSWITCH
// itself interprets text after parsing. `${var}` and `${api(args)}` are
// expanded when a channel variable is used (an API call from a display name
// would run with FreeSWITCH's rights), and the line-based preprocessor of
// static files expands `$${var}` before the XML parser ever sees the file
// (switch_xml.c, preprocess()). Control characters are not allowed in XML 1.0
// at all, even as character references.

/** Escape for an XML attribute value or text node: & < > " ' (so `]]>` can never appear). */
export function xmlEscape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

// C0 controls (including tab, CR, LF: a display name is one line), DEL, C1 controls,
// lone surrogates and the two non-characters XML forbids.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Display text FreeSWITCH will keep in a channel variable (a caller-id name):
 * control characters become a space and braces become parentheses, so neither
 * `${…}` (channel expansion, API calls) nor `$${…}` (preprocessor) can form.
 * The result is plain, readable text; it still needs xmlEscape().
 */
export function fsText(value: string): string {
  return value.replace(CONTROL, ' ').replace(/\{/g, '(').replace(/\}/g, ')');
}

/** Why a secret cannot be written into FreeSWITCH configuration, or null when it can. */
export function unsafeSecretReason(value: string): string | null {
  if (new RegExp(CONTROL.source).test(value)) return 'contains a control character';
  // A secret is used verbatim: altering it would lock the phone out, so refuse instead.
  if (value.includes('${')) return 'contains "${", which FreeSWITCH would expand as a variable';
  return null;
}

/**
 * Escape a literal for use inside a PCRE (FreeSWITCH conditions are PCRE),
 * outside a character class: `-` and `/` mean nothing there and stay readable.
 */
export function regexEscape(value: string): string {
  return value.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** The document mod_xml_curl (and FreeSWITCH's XML lookup) understands as "nothing here: fall back". */
export const NOT_FOUND_XML = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<document type="freeswitch/xml">
  <section name="result">
    <result status="not found"/>
  </section>
</document>
`;

/** Indent every line of a block by n spaces (for nesting generated fragments). */
export function indent(block: string, n: number): string {
  const pad = ' '.repeat(n);
  return block
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
}

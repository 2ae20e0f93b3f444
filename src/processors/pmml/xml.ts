// PMML documents as a small ordered element tree. Namespaces are dropped (files often declare
// a namespace that disagrees with their version) and vendor <Extension> elements are removed
// at parse time, so model compilers match plain element names and never see extensions.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  /** Local name, namespace prefix removed: "TreeModel", "Node". */
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** Child elements in document order (no text nodes, no Extension elements). */
  readonly children: readonly XmlElement[];
  /** Concatenated text content directly inside this element (untrimmed). */
  readonly text: string;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false as unknown as string,
  processEntities: true,
});

type Ordered = Record<string, unknown>;

function convert(node: Ordered): XmlElement | undefined {
  let name: string | undefined;
  let kids: Ordered[] = [];
  for (const key of Object.keys(node)) {
    if (key === ':@' || key === '#text') continue;
    name = key;
    kids = node[key] as Ordered[];
  }
  if (name === undefined || name === 'Extension') return undefined;
  const rawAttrs = (node[':@'] ?? {}) as Record<string, unknown>;
  const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(rawAttrs)) {
    // xmlns declarations are not data.
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    attrs[k] = String(v);
  }
  const children: XmlElement[] = [];
  let text = '';
  for (const kid of kids) {
    if ('#text' in kid) {
      text += String(kid['#text']);
      continue;
    }
    const el = convert(kid);
    if (el !== undefined) children.push(el);
    else if (name === 'BayesInputs') children.push(...legacyBayesInputs(kid));
  }
  return { name, attrs, children, text };
}

/** Marks an element that was read from inside an <Extension> (no XML attribute can carry this name). */
export const FROM_EXTENSION = '#extension';

/** R's legacy pmml package wraps continuous BayesInputs in an Extension: those are model content, kept and marked. */
function legacyBayesInputs(node: Ordered): XmlElement[] {
  const kids = node['Extension'];
  if (!Array.isArray(kids)) return [];
  return (kids as Ordered[])
    .map(convert)
    .filter((e): e is XmlElement => e?.name === 'BayesInput')
    .map((e) => ({ ...e, attrs: { ...e.attrs, [FROM_EXTENSION]: 'true' } }));
}

/** Parses a document and returns its root element. Throws an Error naming the XML problem. */
export function parseXml(source: string): XmlElement {
  const valid = XMLValidator.validate(source);
  if (valid !== true) {
    throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  }
  const nodes = parser.parse(source) as Ordered[];
  for (const node of nodes) {
    const el = convert(node);
    if (el !== undefined) return el;
  }
  throw new Error('the document has no root element');
}

/** The first child named `name`, if any. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

/** Every child named `name`, in document order. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

// The PMML processor: a PMML 3.x/4.x document compiled once into closures, served as a TabularModel.
import { ModelLoadError } from '../tabular/model.js';
import { PmmlModel } from './evaluator.js';
import { parseDataField, PmmlError, type DataField } from './fields.js';
import { MODEL_ELEMENTS } from './model-elements.js';
import { MODEL_COMPILERS } from './models/registry.js';
import { UnitCompiler, type Document } from './unit.js';
import { child, childrenNamed, parseXml, type XmlElement } from './xml.js';

export type { DetailedRow } from './evaluator.js';
export type { PmmlModel } from './evaluator.js';
export { NO_TARGET_KEY } from './evaluator.js';

function decode(bytes: Uint8Array): string {
  // UTF-16 documents start with a byte order mark; everything else is read as UTF-8.
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}

/** The parser reports a truncated document as the list of unclosed tags; say so plainly. */
function xmlProblem(message: string): string {
  const open = /Invalid '\[([^\]]*)\]' found/.exec(message);
  if (open?.[1] === undefined) return message;
  const tags = open[1].split(',').map((t) => `<${t.trim().replace(/^"|"$/g, '')}>`);
  return `not well-formed XML: the document ends inside ${tags.join(' ')} (is it truncated?)`;
}

function header(root: XmlElement): Record<string, unknown> {
  const h = child(root, 'Header');
  const app = h === undefined ? undefined : child(h, 'Application');
  const out: Record<string, unknown> = {};
  if (app?.attrs['name'] !== undefined) out['application'] = [app.attrs['name'], app.attrs['version']].filter((s) => s !== undefined).join(' ');
  if (h?.attrs['description'] !== undefined) out['description'] = h.attrs['description'];
  return out;
}

function compileDocument(root: XmlElement): PmmlModel {
  if (root.name !== 'PMML') throw new PmmlError(`not a PMML document: the root element is <${root.name}>`);
  const dictionary = child(root, 'DataDictionary');
  if (dictionary === undefined) throw new PmmlError('the document has no DataDictionary');
  const dataFields = new Map<string, DataField>();
  for (const el of childrenNamed(dictionary, 'DataField')) {
    const f = parseDataField(el);
    dataFields.set(f.name, f);
  }
  const transformations = child(root, 'TransformationDictionary');
  const functions = new Map<string, XmlElement>();
  for (const el of transformations === undefined ? [] : childrenNamed(transformations, 'DefineFunction')) {
    functions.set(el.attrs['name'] ?? '', el);
  }
  const models = root.children.filter((c) => MODEL_ELEMENTS.has(c.name));
  const modelEl = models.find((m) => m.attrs['isScorable'] !== 'false') ?? models[0];
  if (modelEl === undefined) throw new PmmlError('the document holds no model element');
  const doc: Document = {
    dataFields,
    derivedFields: transformations === undefined ? [] : childrenNamed(transformations, 'DerivedField'),
    functions,
    compilers: MODEL_COMPILERS,
    modelElements: MODEL_ELEMENTS,
  };
  const unit = new UnitCompiler(doc).compile(modelEl, undefined);
  const details: Record<string, unknown> = {
    format: 'PMML',
    version: root.attrs['version'] ?? 'unknown',
    model: modelEl.name,
    functionName: modelEl.attrs['functionName'] ?? unit.functionName,
    ...(modelEl.attrs['modelName'] === undefined ? {} : { modelName: modelEl.attrs['modelName'] }),
    ...(modelEl.attrs['algorithmName'] === undefined ? {} : { algorithm: modelEl.attrs['algorithmName'] }),
    targets: unit.targets,
    ...header(root),
  };
  return new PmmlModel({ unit, dataFields, details });
}

/** Loads a PMML document. Throws ModelLoadError naming the file and the problem. */
export function loadPmmlModel(bytes: Uint8Array, file: string): PmmlModel {
  let root: XmlElement;
  try {
    root = parseXml(decode(bytes));
  } catch (err) {
    throw new ModelLoadError(file, xmlProblem((err as Error).message));
  }
  try {
    return compileDocument(root);
  } catch (err) {
    if (err instanceof ModelLoadError) throw err;
    throw new ModelLoadError(file, err instanceof Error ? err.message : String(err));
  }
}

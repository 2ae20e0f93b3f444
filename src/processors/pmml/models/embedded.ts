// PMML 3 embedded models: a <Regression> or <DecisionTree> without a MiningSchema of its own,
// inside a TreeModel node (model selection) or a MiningModel without Segmentation (a sequence
// whose ResultFields feed the models after them). They are compiled as the model element they
// abbreviate, with the enclosing model's target.
import type { CompileEnv, CompiledModel } from '../model.js';
import type { XmlElement } from '../xml.js';
import { compileRegressionModel } from './regression.js';

/** The full model element an embedded one stands for: same attributes and children, plus a MiningSchema naming the target. */
export function asModelElement(el: XmlElement, name: string, target: string | undefined): XmlElement {
  const schema: XmlElement = {
    name: 'MiningSchema',
    attrs: {},
    children: target === undefined ? [] : [{ name: 'MiningField', attrs: { name: target, usageType: 'predicted' }, children: [], text: '' }],
    text: '',
  };
  return { name, attrs: el.attrs, children: [schema, ...el.children.filter((c) => c.name !== 'ResultField')], text: '' };
}

export function compileEmbeddedRegression(el: XmlElement, env: CompileEnv, target: string | undefined): CompiledModel {
  return compileRegressionModel(asModelElement(el, 'RegressionModel', target), env);
}

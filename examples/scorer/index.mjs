// A churn scorer: logistic regression whose weights and bias are read from model.json
// (model_path). Send {"features": [tenure_months, monthly_charges, support_calls]} for one
// score, or [[...], [...]] for several.
import { readFile } from 'node:fs/promises';

let model;

export async function initialize(ctx) {
  if (ctx.modelPath === undefined) throw new Error('model_path is not set: it must name model.json');
  const raw = JSON.parse(await readFile(ctx.modelPath, 'utf8'));
  const { weights, bias } = raw;
  if (!Array.isArray(weights) || weights.length === 0 || !weights.every(Number.isFinite)) {
    throw new Error(`${ctx.modelPath}: "weights" must be a non-empty array of numbers`);
  }
  if (!Number.isFinite(bias)) throw new Error(`${ctx.modelPath}: "bias" must be a number`);
  model = { weights, bias, names: Array.isArray(raw.features) ? raw.features : [] };
  ctx.logger.info('model loaded', { features: weights.length });
}

function score(features) {
  let z = model.bias;
  for (let i = 0; i < model.weights.length; i++) z += model.weights[i] * features[i];
  return 1 / (1 + Math.exp(-z));
}

/** The problem with one feature vector, or undefined when it is usable. */
function problemWith(features, where) {
  if (!Array.isArray(features)) return `${where} must be an array of ${model.weights.length} numbers`;
  if (features.length !== model.weights.length) {
    const names = model.names.length > 0 ? ` (${model.names.join(', ')})` : '';
    return `${where} has ${features.length} values; the model takes ${model.weights.length}${names}`;
  }
  const bad = features.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
  return bad >= 0 ? `${where}[${bad}] must be a finite number` : undefined;
}

function json(status, value) {
  return { status, body: JSON.stringify(value), headers: { 'content-type': 'application/json' } };
}

export function process(body) {
  let input;
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch {
    return json(400, { error: 'the body must be JSON: {"features": [...]} or [[...], ...]' });
  }
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) {
      const problem = problemWith(input[i], `[${i}]`);
      if (problem !== undefined) return json(400, { error: problem });
    }
    return json(200, input.map((features) => ({ score: score(features) })));
  }
  if (typeof input !== 'object' || input === null || !('features' in input)) {
    return json(400, { error: 'expected {"features": [...]} or [[...], ...]' });
  }
  const problem = problemWith(input.features, 'features');
  if (problem !== undefined) return json(400, { error: problem });
  return json(200, { score: score(input.features) });
}

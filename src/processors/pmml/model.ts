// The contract between the PMML framework (fields, transformations, targets, outputs,
// MiningModel) and the compiler of each model element. A model element is compiled once at
// load into a CompiledModel; evaluate() runs per row and never walks XML.
import type { XmlElement } from './xml.js';

/** A field value while a row is evaluated: null is missing. Values are typed by the field's dataType:
 * numbers for integer/float/double fields (categorical ones too), strings, booleans; dates and times
 * are seconds (since 1970-01-01 UTC, since midnight). */
export type Value = number | string | boolean | null;

/** The field values a model can see for one row: mining fields after missing/invalid/outlier
 * treatment, derived fields (evaluated lazily), and in a modelChain the outputs of earlier segments. */
export interface Scope {
  get(name: string): Value;
  /** True when the field's value is missing after treatment. */
  isMissing(name: string): boolean;
  /** Transactional models (a MiningField with usageType="group"): every value the field takes in
   * the row's transaction, in input order. Elsewhere the one value, or none when missing. */
  values(name: string): readonly Value[];
}

/** What one model computes for one row. The Output compiler derives OutputFields from it. */
export interface ModelResult {
  /** The target's value: a number (regression), a category (classification, clustering), or null (no prediction). */
  value: Value;
  /** Models with several targets: the value per target field name (`value` is then the first target's). */
  targetValues?: ReadonlyMap<string, Value>;
  /** Classification: probability per target category, in the model's category order. Keys are
   * categoryKey(value) of the category parsed per the target's dataType (env.parse does both). */
  probabilities?: ReadonlyMap<string, number>;
  /** Confidence per category where the model defines it apart from probability (TreeModel, RuleSet). */
  confidences?: ReadonlyMap<string, number>;
  /** Id of the winning entity: tree node, segment, cluster, rule, neighbor. */
  entityId?: string;
  /** The winning entity's display name where the model has one (cluster name). */
  entityName?: string;
  /** Clustering / nearest neighbor: affinity (distance or similarity) per entity id, in model order. */
  affinities?: ReadonlyMap<string, number>;
  /** Scorecard reason codes, best first. */
  reasonCodes?: readonly string[];
  /** Set by the framework on nested models: the values of the model's own OutputFields. */
  outputs?: ReadonlyMap<string, Value>;
  /** Anything else an output feature needs (association rules, rule firing lists, anomaly score, ...). */
  extras?: Readonly<Record<string, unknown>>;
}

export interface CompiledModel {
  /** The model element's functionName (regression, classification, clustering, associationRules, mixed). */
  readonly functionName: string;
  /** The target field names this model predicts (from its MiningSchema, usage="target"/"predicted"). */
  readonly targets: readonly string[];
  /** Set by the framework on models from env.compileModel: the model's OutputFields, whose values
   * evaluate() returns in ModelResult.outputs. */
  readonly outputFields?: readonly { name: string; dataType: string; optype: string }[];
  evaluate(scope: Scope): ModelResult;
}

/** What a model compiler may use from the framework while compiling. */
export interface CompileEnv {
  /** Data type and optype of a field visible to this model (data, derived or upstream output field). */
  field(name: string): { dataType: string; optype: string; values: readonly string[] } | undefined;
  /** Compiles a nested model element (segments of MiningModel, embedded models). */
  compileModel(el: XmlElement): CompiledModel;
  /** Compiles a predicate element (SimplePredicate, CompoundPredicate, SimpleSetPredicate, True, False) to a
   * three-valued test: true, false, or undefined when unknown because of missing values. */
  compilePredicate(el: XmlElement): (scope: Scope) => boolean | undefined;
  /** Compiles an expression element (FieldRef, Constant, Apply, NormContinuous, ...). */
  compileExpression(el: XmlElement): (scope: Scope) => Value;
  /** Text as a value of the field's dataType (a category of a double target "1.0" → 1); throws when it is not one. */
  parse(field: string, text: string): Value;
  /** MiningModel modelChain: makes a new field visible to the models compiled after this call and
   * returns the setter that gives it its value for the current row. */
  defineField(name: string, type: { dataType: string; optype: string }): (scope: Scope, value: Value) => void;
}

/** One compiler per model element name; the framework looks them up in a registry. */
export type ModelCompiler = (el: XmlElement, env: CompileEnv) => CompiledModel;

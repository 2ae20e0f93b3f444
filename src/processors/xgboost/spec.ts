// What the three file readers (JSON, UBJ, legacy binary) agree on: the parts of a booster that
// prediction needs, with arrays left as they were read (plain arrays or typed arrays). The
// evaluator compiles this once into flat typed arrays.

/** One regression tree as XGBoost stores it: parallel arrays indexed by node id. */
export interface TreeSpec {
  readonly left: ArrayLike<number>;
  readonly right: ArrayLike<number>;
  readonly splitIndex: ArrayLike<number>;
  /** The threshold of a numeric split; the leaf value of a leaf. */
  readonly splitCondition: ArrayLike<number>;
  readonly defaultLeft: ArrayLike<number | boolean>;
  /** 1 marks a categorical split; absent when the tree has none. */
  readonly splitType?: ArrayLike<number>;
  /** Categorical splits: the node ids and, per node, its slice of `values` (the categories that go right). */
  readonly categories?: {
    readonly nodes: ArrayLike<number>;
    readonly segments: ArrayLike<number>;
    readonly sizes: ArrayLike<number>;
    readonly values: ArrayLike<number>;
  };
}

/** The category names (or numeric category values) of one feature, in code order. */
export type CategoryList = readonly string[] | readonly number[];

export interface ModelSpec {
  readonly format: 'json' | 'ubj' | 'binary';
  /** The XGBoost version that wrote the file: "3.4.1", "2.1", or "0.x" for files before 1.0. */
  readonly version: string;
  readonly objective: string;
  readonly booster: 'gbtree' | 'dart' | 'gblinear';
  /** base_score in the objective's output space (a probability for logistic), one or one per output. */
  readonly baseScore: readonly number[];
  readonly numFeature: number;
  readonly numClass: number;
  readonly numTarget: number;
  readonly featureNames: readonly string[];
  readonly featureTypes: readonly string[];
  /** Per feature: the category list from the model's `cats` (XGBoost 3.x), if it has one. */
  readonly categories: readonly (CategoryList | undefined)[];
  readonly attributes: Readonly<Record<string, string>>;
  readonly trees: readonly TreeSpec[];
  /** Output group (class or target) of each tree. */
  readonly treeInfo: ArrayLike<number>;
  readonly numParallelTree: number;
  /** Tree index where each boosting round starts, plus the end (XGBoost 2.x and later). */
  readonly iterationIndptr?: ArrayLike<number>;
  /** dart: the weight of each tree. */
  readonly weightDrop?: ArrayLike<number>;
  /** gblinear: (numFeature + 1) × groups weights, feature-major, the bias row last. */
  readonly linearWeights?: ArrayLike<number>;
}

// Model element name → compiler. One import and one entry per supported model element.
import type { ModelCompiler } from '../model.js';
import { compileAnomalyDetectionModel } from './anomaly-detection.js';
import { compileAssociationModel } from './association.js';
import { compileClusteringModel } from './clustering.js';
import { compileGeneralRegressionModel } from './general-regression.js';
import { compileMiningModel } from './mining.js';
import { compileNaiveBayesModel } from './naive-bayes.js';
import { compileNearestNeighborModel } from './nearest-neighbor.js';
import { compileNeuralNetwork } from './neural-network.js';
import { compileRegressionModel } from './regression.js';
import { compileRuleSetModel } from './rule-set.js';
import { compileScorecard } from './scorecard.js';
import { compileSupportVectorMachineModel } from './svm.js';
import { compileTreeModel } from './tree.js';

export const MODEL_COMPILERS: ReadonlyMap<string, ModelCompiler> = new Map<string, ModelCompiler>([
  ['TreeModel', compileTreeModel],
  ['RegressionModel', compileRegressionModel],
  ['GeneralRegressionModel', compileGeneralRegressionModel],
  ['MiningModel', compileMiningModel],
  ['Scorecard', compileScorecard],
  ['NeuralNetwork', compileNeuralNetwork],
  ['SupportVectorMachineModel', compileSupportVectorMachineModel],
  ['ClusteringModel', compileClusteringModel],
  ['NaiveBayesModel', compileNaiveBayesModel],
  ['RuleSetModel', compileRuleSetModel],
  ['NearestNeighborModel', compileNearestNeighborModel],
  ['AssociationModel', compileAssociationModel],
  ['AnomalyDetectionModel', compileAnomalyDetectionModel],
]);

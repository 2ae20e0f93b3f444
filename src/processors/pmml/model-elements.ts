// Every model element PMML defines, so that a model element is found among a document's or a
// segment's children, and an unsupported one is told apart from something that is no model.
export const MODEL_ELEMENTS: ReadonlySet<string> = new Set([
  'AnomalyDetectionModel',
  'AssociationModel',
  'BayesianNetworkModel',
  'BaselineModel',
  'ClusteringModel',
  'GaussianProcessModel',
  'GeneralRegressionModel',
  'MiningModel',
  'NaiveBayesModel',
  'NearestNeighborModel',
  'NeuralNetwork',
  'RegressionModel',
  'RuleSetModel',
  'SequenceModel',
  'Scorecard',
  'SupportVectorMachineModel',
  'TextModel',
  'TimeSeriesModel',
  'TreeModel',
]);

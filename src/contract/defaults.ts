// Spec constants that code outside validation needs (instance host, gateway), kept free of
// the schema library so that those processes start fast.

/** Defaults follow EAS. Everything that reads a spec goes through `resolveSpec` to apply them. */
export const SPEC_DEFAULTS = {
  instance: 1,
  keepaliveMs: 5000,
  maxQueueSize: 64,
  workerThreads: 5,
  maxBatchSize: 16,
  maxBatchTimeoutMs: 50,
  maxSurge: 1,
  maxUnavailable: 0,
  terminationGracePeriodSeconds: 30,
  healthCheck: {
    initialDelaySeconds: 0,
    periodSeconds: 5,
    timeoutSeconds: 2,
    failureThreshold: 3,
  },
} as const;

export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
export const BUILTIN_PROCESSORS = ['xgboost', 'lightgbm', 'pmml', 'onnx', 'echo'] as const;
export type BuiltinProcessor = (typeof BUILTIN_PROCESSORS)[number];
export const PROCESSORS_NEEDING_MODEL: readonly BuiltinProcessor[] = ['xgboost', 'lightgbm', 'pmml', 'onnx'];

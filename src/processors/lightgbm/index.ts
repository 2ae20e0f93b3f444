// The LightGBM processor: evaluates text models written by Booster.save_model() (v2-v4).
export { loadLightgbmModel, type LightgbmModel, type LightgbmOptions } from './model.js';

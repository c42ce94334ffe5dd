// The readers of the rarer model files, imported by `Predictor.load` only for a file of their kind.
export { readSafetensors } from '../io/safetensors.js';
export { checkModelJSON } from '../io/model-json.js';

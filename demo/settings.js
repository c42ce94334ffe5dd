// The playground's setup: every control, how to read and check its value, and its key in the
// page's URL (the query string), so a link reproduces the whole setup.
import { DATASETS, FEATURES } from './datasets.js';

const $ = (id) => document.getElementById(id);

/** Hidden layer sizes: whole numbers 1–256 separated by commas; empty for none. */
export function parseLayers(text) {
  const trimmed = text.trim();
  if (trimmed === '') return { value: [] };
  const parts = trimmed.split(',').map((s) => s.trim());
  const bad = parts.find((s) => !/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 256);
  if (bad !== undefined) return { error: `Hidden layers: whole numbers from 1 to 256 separated by commas (e.g. 8,8), got '${text}'` };
  if (parts.length > 6) return { error: `Hidden layers: at most 6, got ${parts.length}` };
  return { value: parts.map(Number) };
}

/** A number typed by the user, within [min, max]. */
function parseNumber(label, min, max) {
  return (text) => {
    const value = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(value) || value <= min || value > max) {
      return { error: `${label}: a number above ${min} and at most ${max}, got '${text}'` };
    }
    return { value };
  };
}

const asNumber = (text) => ({ value: Number(text) });
const asText = (text) => ({ value: text });

/**
 * Each setting: its control, its URL key and parser. `live` settings apply to the running
 * network; the others need a new one (`data` ones also new points).
 */
export const SETTINGS = [
  { name: 'dataset', id: 'dataset', key: 'data', parse: asText, rebuild: 'data' },
  { name: 'noise', id: 'noise', key: 'noise', parse: asNumber, rebuild: 'data' },
  { name: 'points', id: 'points', key: 'points', parse: asNumber, rebuild: 'data' },
  { name: 'trainPercent', id: 'train-percent', key: 'train', parse: asNumber, rebuild: 'data' },
  { name: 'seed', id: 'seed', key: 'seed', parse: asNumber, rebuild: 'data' },
  { name: 'layers', id: 'layers', key: 'layers', parse: parseLayers, rebuild: 'network' },
  { name: 'activation', id: 'activation', key: 'act', parse: asText, rebuild: 'network' },
  { name: 'normalization', id: 'normalization', key: 'norm', parse: asText, rebuild: 'network' },
  { name: 'labelSmoothing', id: 'label-smoothing', key: 'smooth', parse: asNumber, rebuild: 'network' },
  { name: 'regressionLoss', id: 'regression-loss', key: 'rloss', parse: asText, rebuild: 'network' },
  { name: 'dropout', id: 'dropout', key: 'dropout', parse: asNumber, rebuild: 'network' },
  { name: 'optimizer', id: 'optimizer', key: 'opt', parse: asText, rebuild: 'live' },
  { name: 'learningRate', id: 'learning-rate', key: 'lr', parse: parseNumber('Learning rate', 0, 10), rebuild: 'live' },
  { name: 'weightDecay', id: 'weight-decay', key: 'decay', parse: asNumber, rebuild: 'live' },
  { name: 'batchSize', id: 'batch-size', key: 'batch', parse: asNumber, rebuild: 'live' },
  { name: 'speed', id: 'speed', key: 'speed', parse: asNumber, rebuild: 'none' },
  { name: 'showTest', id: 'show-test', key: 'test', parse: asText, rebuild: 'none', checkbox: true },
  { name: 'discretize', id: 'discretize', key: 'discrete', parse: asText, rebuild: 'none', checkbox: true },
];

/** The feature checkboxes, in FEATURES order; their URL key is `features`. */
export const featureIds = Object.keys(FEATURES).map((f) => `feature-${f}`);

/** Reads and checks every control: { values, errors } with errors keyed by control id. */
export function readSettings() {
  const values = {};
  const errors = {};
  for (const s of SETTINGS) {
    const control = $(s.id);
    if (s.checkbox) { values[s.name] = control.checked; continue; }
    const result = s.parse(control.value);
    if ('error' in result) errors[s.id] = result.error; else values[s.name] = result.value;
  }
  values.features = Object.keys(FEATURES).filter((f) => $(`feature-${f}`).checked);
  if (values.features.length === 0) errors.features = 'Features: choose at least one input';
  values.kind = values.dataset === 'csv' ? values.csvKind : DATASETS[values.dataset]?.kind;
  return { values, errors };
}

/** The setup as a query string (the controls' raw text, so an invalid value is shared as typed). */
export function toQuery() {
  const query = new URLSearchParams();
  for (const s of SETTINGS) {
    const control = $(s.id);
    query.set(s.key, s.checkbox ? (control.checked ? '1' : '0') : control.value);
  }
  query.set('features', Object.keys(FEATURES).filter((f) => $(`feature-${f}`).checked).join(','));
  return query;
}

/**
 * Sets the controls from a query string; keys that are missing keep their defaults. Values a
 * select does not offer are reported, not applied.
 */
export function applyQuery(query) {
  const problems = [];
  for (const s of SETTINGS) {
    if (!query.has(s.key)) continue;
    const control = $(s.id);
    const raw = query.get(s.key);
    if (s.checkbox) { control.checked = raw === '1'; continue; }
    if (control.tagName === 'SELECT' && ![...control.options].some((o) => o.value === raw)) {
      problems.push(`${control.labels[0]?.firstChild?.textContent.trim() ?? s.key}: '${raw}' is not one of the choices; kept ${control.value}`);
      continue;
    }
    control.value = raw;
  }
  if (query.has('features')) {
    const chosen = query.get('features').split(',');
    for (const f of Object.keys(FEATURES)) $(`feature-${f}`).checked = chosen.includes(f);
  }
  return problems;
}

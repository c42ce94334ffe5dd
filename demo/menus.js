// The playground's menus of activations, optimizers, regression losses and normalizations, from
// the library's registries (listActivations, listOptimizers, listLosses, listNormalizations), so
// that a new one appears by itself.

/** The default choice of each menu (by its select's id). */
const DEFAULTS = { activation: 'tanh', optimizer: 'adam', 'regression-loss': 'mse', normalization: 'none' };

/**
 * Each menu's [value, label] pairs: every hidden activation; every optimizer, SGD also with
 * momentum 0.9 ('sgd-momentum', see optimizerOf in main.js); every regression loss; none and
 * every normalization.
 */
export function menuChoices({ activations, optimizers, losses, normalizations }) {
  return {
    activation: activations.filter((a) => a.hidden).map((a) => [a.name, a.label]),
    optimizer: optimizers.flatMap((o) => (o.type === 'sgd' ? [['sgd', o.label], ['sgd-momentum', `${o.label}, momentum 0.9`]] : [[o.type, o.label]])),
    'regression-loss': losses.filter((l) => l.regression).map((l) => [l.name, l.label]),
    normalization: [['none', 'none'], ...normalizations.map((n) => [n.name, n.label])],
  };
}

/** Fills the page's menus (the selects of those ids) with `choices`, each on its default. */
export function fillMenus(document, choices) {
  for (const [id, pairs] of Object.entries(choices)) {
    const select = document.getElementById(id);
    select.replaceChildren(...pairs.map(([value, label]) => new Option(label, value, value === DEFAULTS[id], value === DEFAULTS[id])));
  }
}

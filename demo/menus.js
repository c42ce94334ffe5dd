// The playground's activation and optimizer menus, from the library's registries
// (listActivations, listOptimizers), so that a new activation or optimizer appears by itself.

/** The default choice of each menu. */
const DEFAULTS = { activation: 'tanh', optimizer: 'adam' };

/**
 * Each menu's [value, label] pairs: every hidden activation; every optimizer, SGD also with
 * momentum 0.9 ('sgd-momentum', see optimizerOf in main.js).
 */
export function menuChoices(activations, optimizers) {
  return {
    activation: activations.filter((a) => a.hidden).map((a) => [a.name, a.label]),
    optimizer: optimizers.flatMap((o) => (o.type === 'sgd' ? [['sgd', o.label], ['sgd-momentum', `${o.label}, momentum 0.9`]] : [[o.type, o.label]])),
  };
}

/** Fills the page's menus (select#activation, select#optimizer) with `choices`, each on its default. */
export function fillMenus(document, choices) {
  for (const [id, pairs] of Object.entries(choices)) {
    const select = document.getElementById(id);
    select.replaceChildren(...pairs.map(([value, label]) => new Option(label, value, value === DEFAULTS[id], value === DEFAULTS[id])));
  }
}

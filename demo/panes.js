// On a phone the playground shows one pane at a time (output, network, data, training settings),
// chosen by the buttons under the toolbar, so each fits the screen; wider screens show them all.

/** Narrow enough for one pane at a time: the width where style.css stacks the playground. */
export const PHONE = '(max-width: 759px)';

/** Wires the pane buttons of `main`: sections marked `data-pane` are shown by the button of that name. */
export function setUpPanes(main) {
  const nav = main.querySelector('.panes');
  const buttons = [...nav.querySelectorAll('button[data-show]')];
  const phone = matchMedia(PHONE);
  let current = 'output';
  const show = () => {
    nav.hidden = !phone.matches;
    for (const section of main.querySelectorAll('[data-pane]')) section.hidden = phone.matches && section.dataset.pane !== current;
    for (const button of buttons) button.setAttribute('aria-pressed', String(button.dataset.show === current));
  };
  for (const button of buttons) button.onclick = () => { current = button.dataset.show; show(); };
  phone.addEventListener('change', show);
  show();
}

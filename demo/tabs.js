// The three tabs, with the keyboard behaviour of the WAI-ARIA tabs pattern (arrows, Home, End).

/** Wires the tabs; `initial` is a tab name from the link ('play', 'digits', 'example'). */
export function setUpTabs({ initial, onChange }) {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const select = (tab, focus = false) => {
    for (const other of tabs) {
      const chosen = other === tab;
      other.setAttribute('aria-selected', String(chosen));
      other.tabIndex = chosen ? 0 : -1;
      document.getElementById(other.getAttribute('aria-controls')).hidden = !chosen;
    }
    if (focus) tab.focus();
    onChange(tab.id.replace('tab-', ''));
  };
  tabs.forEach((tab, i) => {
    tab.onclick = () => select(tab);
    tab.onkeydown = (event) => {
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      select(tabs[(next + tabs.length) % tabs.length], true);
    };
  });
  const start = tabs.find((tab) => tab.id === `tab-${initial}`);
  if (start) select(start);
}

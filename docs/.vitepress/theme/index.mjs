// The default theme, plus the component that runs the worked example in the page.
import DefaultTheme from 'vitepress/theme';
import LiveWorkedExample from './LiveWorkedExample.vue';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('LiveWorkedExample', LiveWorkedExample);
  },
};

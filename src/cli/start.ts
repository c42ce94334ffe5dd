// `npm start`: the main job on its embedded default — the seed's walkthrough, computed live.
import { seedWalkthrough } from './walkthrough.js';

for (const line of await seedWalkthrough()) console.log(line);

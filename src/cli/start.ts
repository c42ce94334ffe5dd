// `npm start`: the main job — the seed's walkthrough computed live, then a real classifier on MNIST.
import { seedWalkthrough } from './walkthrough.js';
import { runDigitsJob } from './digits-job.js';

for (const line of await seedWalkthrough()) console.log(line);
console.log();
await runDigitsJob();

// `npm start`: the worked example computed live, then a real classifier on the full MNIST.
import { seedWalkthrough } from './walkthrough.js';
import { runDigitsJob } from './digits-job.js';

for (const line of await seedWalkthrough()) console.log(line);
console.log();
await runDigitsJob();

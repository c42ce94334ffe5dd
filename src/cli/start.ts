// `npm start`: the main job — the worked example computed live, then a real classifier on MNIST.
import { workedExample } from '../worked-example.js';
import { runDigitsJob } from './digits-job.js';

for (const line of await workedExample()) console.log(line);
console.log();
await runDigitsJob();

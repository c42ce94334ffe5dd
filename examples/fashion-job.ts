// `npm run example:fashion`: the job of `npm start` on Fashion-MNIST, a harder ten-class task.
import { FASHION_CLASSES, loadFashionMnist } from './fashion-data.js';
import { runImageJob, type ImageJobOptions, type ImageJobResult, type ImageTask } from './image-job.js';

export const FASHION_TASK: ImageTask = {
  title: 'Fashion-MNIST (the `fashion-mnist` package; the first 1,000 images of each class to test)',
  classNames: FASHION_CLASSES,
  load: loadFashionMnist,
};

/** Trains and tests a 784-192-10 classifier on Fashion-MNIST with the settings of `npm start`. */
export function runFashionJob(options: ImageJobOptions = {}): Promise<ImageJobResult> {
  return runImageJob(FASHION_TASK, options);
}

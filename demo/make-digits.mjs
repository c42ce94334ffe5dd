// Generates demo/digits-14x14.bin, the digit pad's training data, from the `mnist` package
// (a devDependency): the first PER_DIGIT digits of each class, averaged 2 × 2 down to 14 × 14,
// one byte per pixel (0 = background, 255 = ink), class 0's digits first, then 1's, and so on.
// Run: node demo/make-digits.mjs
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

export const PER_DIGIT = 100;
export const SIDE = 14;

const digits = createRequire(import.meta.url)('mnist');
const out = new Uint8Array(10 * PER_DIGIT * SIDE * SIDE);
let offset = 0;
for (const digit of digits) {
  for (let n = 0; n < PER_DIGIT; n++) {
    const image = digit.get(n);
    for (let i = 0; i < SIDE; i++) {
      for (let j = 0; j < SIDE; j++) {
        const at = (di, dj) => image[(2 * i + di) * 28 + 2 * j + dj];
        out[offset++] = Math.round((255 * (at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1))) / 4);
      }
    }
  }
}
writeFileSync(new URL('./digits-14x14.bin', import.meta.url), out);
console.log(`wrote ${out.length} bytes: ${10 * PER_DIGIT} digits of ${SIDE}×${SIDE}`);

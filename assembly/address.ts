/** Address of element i of a vector of `float`. */
@inline export function at(base: usize, i: i32): usize {
  return base + (<usize>i << alignof<float>());
}

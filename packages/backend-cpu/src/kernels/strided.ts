/**
 * Walks several same-shaped strided views row by row. Dims are first coalesced wherever every view is contiguous
 * across them, so a contiguous tensor is one long row and kernels spend their time in a tight inner loop.
 * `row(length, offsets, steps)` gets each view's starting offset and its step along the row.
 */
export function forEachRow(
  shape: readonly number[],
  stridesList: ReadonlyArray<readonly number[]>,
  offsets: readonly number[],
  row: (length: number, offsets: number[], steps: number[]) => void,
): void {
  const views = stridesList.length;
  const extents: number[] = [];
  const strides: number[][] = stridesList.map(() => []);
  for (let axis = 0; axis < shape.length; axis++) {
    if (shape[axis] === 0) return;
    if (shape[axis] === 1) continue;
    const last = extents.length - 1;
    const mergeable = last >= 0 && stridesList.every((s, v) => strides[v]![last] === s[axis]! * shape[axis]!);
    if (mergeable) {
      extents[last]! *= shape[axis]!;
      for (let v = 0; v < views; v++) strides[v]![last] = stridesList[v]![axis]!;
    } else {
      extents.push(shape[axis]!);
      for (let v = 0; v < views; v++) strides[v]!.push(stridesList[v]![axis]!);
    }
  }
  if (extents.length === 0) {
    row(1, [...offsets], new Array(views).fill(0));
    return;
  }
  const inner = extents.length - 1;
  const length = extents[inner]!;
  const steps = strides.map((s) => s[inner]!);
  const counter = new Array<number>(inner).fill(0);
  const current = [...offsets];
  for (;;) {
    row(length, current, steps);
    let axis = inner - 1;
    for (; axis >= 0; axis--) {
      counter[axis]!++;
      for (let v = 0; v < views; v++) current[v]! += strides[v]![axis]!;
      if (counter[axis]! < extents[axis]!) break;
      for (let v = 0; v < views; v++) current[v]! -= strides[v]![axis]! * extents[axis]!;
      counter[axis] = 0;
    }
    if (axis < 0) return;
  }
}

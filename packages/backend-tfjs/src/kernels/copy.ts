import { tf } from '../tfjs.js';
import { readView, type View, writeView } from '../views.js';

/** Strided copy between any two views of one shape; writeView casts (to bool is nonzero, float to int32 truncates). */
export function copy(source: View, destination: View): void {
  tf.tidy(() => writeView(destination, readView(source)));
}

export function fill(destination: View, value: number): void {
  tf.tidy(() => {
    const dtype = destination.handle.dtype;
    writeView(destination, tf.fill([...destination.shape], dtype === 'bool' ? Number(value !== 0) : value, dtype));
  });
}

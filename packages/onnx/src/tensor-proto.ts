import { create } from '@bufbuild/protobuf';
import type { DType, TypedArray } from '@lantern/tensor';
import { OnnxImportError } from './errors.js';
import { type TensorProto, TensorProto_DataType, TensorProtoSchema } from './proto/generated/onnx_pb.gen.js';

/** Lantern's dtypes as ONNX element types. */
export const onnxDataType: Readonly<Record<DType, TensorProto_DataType>> = {
  float32: TensorProto_DataType.FLOAT,
  float64: TensorProto_DataType.DOUBLE,
  int32: TensorProto_DataType.INT32,
  bool: TensorProto_DataType.BOOL,
};

const bytesPerElement: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4, bool: 1 };

// ONNX stores raw_data little-endian whatever the host; a DataView says so explicitly instead of trusting the host.
function littleEndianBytes(dtype: DType, values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * bytesPerElement[dtype]);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    if (dtype === 'float32') view.setFloat32(index * 4, value, true);
    else if (dtype === 'float64') view.setFloat64(index * 8, value, true);
    else if (dtype === 'int32') view.setInt32(index * 4, value, true);
    else view.setUint8(index, value ? 1 : 0);
  }
  return bytes;
}

/** A named tensor of Lantern values, stored as raw little-endian bytes. */
export function tensorProto(name: string, dtype: DType, shape: readonly number[], values: ArrayLike<number>): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dataType: onnxDataType[dtype],
    dims: shape.map(BigInt),
    rawData: littleEndianBytes(dtype, values),
  });
}

/** A 1-D int64 tensor, the type ONNX wants for shapes and axes (Reshape's shape, Squeeze's axes). */
export function int64TensorProto(name: string, values: readonly number[]): TensorProto {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (const [index, value] of values.entries()) view.setBigInt64(index * 8, BigInt(value), true);
  return create(TensorProtoSchema, { name, dataType: TensorProto_DataType.INT64, dims: [BigInt(values.length)], rawData: bytes });
}

export interface DecodedTensor {
  readonly dtype: DType;
  readonly shape: number[];
  readonly values: TypedArray;
}

// Reads element i of raw_data, or of the typed field that holds the values when raw_data is absent.
function elementReader(proto: TensorProto): (index: number) => number {
  const view = new DataView(proto.rawData.buffer, proto.rawData.byteOffset, proto.rawData.byteLength);
  const raw = proto.rawData.byteLength > 0;
  switch (proto.dataType) {
    case TensorProto_DataType.FLOAT:
      return raw ? (index) => view.getFloat32(index * 4, true) : (index) => proto.floatData[index]!;
    case TensorProto_DataType.DOUBLE:
      return raw ? (index) => view.getFloat64(index * 8, true) : (index) => proto.doubleData[index]!;
    case TensorProto_DataType.INT32:
      return raw ? (index) => view.getInt32(index * 4, true) : (index) => proto.int32Data[index]!;
    case TensorProto_DataType.BOOL:
      return raw ? (index) => view.getUint8(index) : (index) => proto.int32Data[index]!;
    case TensorProto_DataType.INT64:
      return raw ? (index) => Number(view.getBigInt64(index * 8, true)) : (index) => Number(proto.int64Data[index]!);
    default:
      throw new OnnxImportError(
        `tensor '${proto.name}': ONNX element type ${TensorProto_DataType[proto.dataType] ?? proto.dataType} has no Lantern dtype`,
      );
  }
}

/** A TensorProto's values in a Lantern dtype; int64 (shapes, axes, class indices) becomes int32. */
export function decodeTensorProto(proto: TensorProto): DecodedTensor {
  if (proto.externalData.length > 0) {
    throw new OnnxImportError(`tensor '${proto.name}' keeps its data in an external file, which importOnnx does not read`);
  }
  const shape = proto.dims.map(Number);
  const size = shape.reduce((product, extent) => product * extent, 1);
  const read = elementReader(proto);
  const dtype: DType =
    proto.dataType === TensorProto_DataType.DOUBLE
      ? 'float64'
      : proto.dataType === TensorProto_DataType.FLOAT
        ? 'float32'
        : proto.dataType === TensorProto_DataType.BOOL
          ? 'bool'
          : 'int32';
  const values =
    dtype === 'float32'
      ? new Float32Array(size)
      : dtype === 'float64'
        ? new Float64Array(size)
        : dtype === 'bool'
          ? new Uint8Array(size)
          : new Int32Array(size);
  for (let index = 0; index < size; index++) {
    const value = read(index);
    if (dtype === 'int32' && (value > 2 ** 31 - 1 || value < -(2 ** 31))) {
      throw new OnnxImportError(`tensor '${proto.name}': int64 value ${value} does not fit Lantern's int32`);
    }
    values[index] = value;
  }
  return { dtype, shape, values };
}

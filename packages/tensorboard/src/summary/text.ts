import { create, toBinary } from '@bufbuild/protobuf';
import { DataType, type SummaryInit, TextPluginDataSchema } from '../proto/messages.js';

/**
 * torch's text summary: the UTF-8 string in a one-element DT_STRING tensor, tagged `<tag>/text_summary`, with the
 * text plugin's metadata (TextPluginData version 0, which serializes to no bytes at all). TensorBoard renders it as
 * Markdown.
 */
export function textSummary(tag: string, text: string): SummaryInit {
  const content = toBinary(TextPluginDataSchema, create(TextPluginDataSchema, { version: 0 }));
  const tensor = { dtype: DataType.DT_STRING, stringVal: [new TextEncoder().encode(text)], tensorShape: { dim: [{ size: 1n }] } };
  return {
    value: [
      {
        tag: `${tag}/text_summary`,
        metadata: { pluginData: { pluginName: 'text', content } },
        value: { case: 'tensor', value: tensor },
      },
    ],
  };
}

/**
 * torch's scalar summary. By default a `simple_value` (a float32, as torch writes it); with `newStyle` a one-element
 * DT_FLOAT tensor (DT_DOUBLE with `doublePrecision`) under the scalars plugin, which TensorBoard loads faster.
 */
export function scalarSummary(
  tag: string,
  value: number,
  options: { newStyle?: boolean; doublePrecision?: boolean } = {},
): SummaryInit {
  if (!options.newStyle) return { value: [{ tag, value: { case: 'simpleValue', value } }] };
  const tensor = options.doublePrecision
    ? { dtype: DataType.DT_DOUBLE, doubleVal: [value] }
    : { dtype: DataType.DT_FLOAT, floatVal: [value] };
  return { value: [{ tag, value: { case: 'tensor', value: tensor }, metadata: { pluginData: { pluginName: 'scalars' } } }] };
}

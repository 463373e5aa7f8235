import { create, type MessageInitShape, toBinary } from '@bufbuild/protobuf';
import type { ValueSchema } from '@bufbuild/protobuf/wkt';
import { TensorBoardError } from '../errors.js';
import { type HParamInfoSchema, HParamsPluginDataSchema, HparamsDataType, Status, type SummaryInit } from '../proto/messages.js';
import { isTensor, type ScalarValue } from '../values.js';

/** A hyperparameter value: a number, string, boolean or one-element Tensor; null and undefined are skipped. */
export type HparamValue = ScalarValue | string | boolean | null | undefined;

// The hparams plugin's names (tensorboard/plugins/hparams/metadata.py).
const pluginName = 'hparams';
const experimentTag = '_hparams_/experiment';
const sessionStartInfoTag = '_hparams_/session_start_info';
const sessionEndInfoTag = '_hparams_/session_end_info';

type ValueInit = MessageInitShape<typeof ValueSchema>;
type PluginDataInit = MessageInitShape<typeof HParamsPluginDataSchema>;
const numberValue = (value: number): ValueInit => ({ kind: { case: 'numberValue', value } });
const stringValue = (value: string): ValueInit => ({ kind: { case: 'stringValue', value } });

/**
 * torch's `hparams()` (summary.py): three summaries for the hparams plugin. The experiment lists each
 * hyperparameter's name and type (with its discrete domain when given) and each metric's tag; the session start info
 * holds the values; the session end info says the session succeeded. Booleans are written as the numbers 1 and 0
 * with type DATA_TYPE_FLOAT64, as torch 1.13 writes them (Python's bool is an int, so torch's number branch takes
 * them), which keeps Lantern and torch runs comparable in one table.
 */
export function hparamsSummaries(
  hparamDict: Record<string, HparamValue>,
  metricDict: Record<string, unknown>,
  hparamDomainDiscrete: Record<string, ReadonlyArray<string | number | boolean>> = {},
): { experiment: SummaryInit; sessionStartInfo: SummaryInit; sessionEndInfo: SummaryInit } {
  for (const dict of [hparamDict, metricDict, hparamDomainDiscrete]) {
    if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
      throw new TensorBoardError('addHparams: hparamDict, metricDict and hparamDomainDiscrete should be dictionaries');
    }
  }
  for (const [name, domain] of Object.entries(hparamDomainDiscrete)) {
    const value = hparamDict[name];
    if (!(name in hparamDict) || !Array.isArray(domain) || !domain.every((entry) => typeof entry === typeof value)) {
      throw new TensorBoardError(
        `addHparams: hparamDomainDiscrete[${name}] should be a list of same type as hparamDict[${name}].`,
      );
    }
  }

  const hparams: Record<string, ValueInit> = {};
  const hparamInfos: Array<MessageInitShape<typeof HParamInfoSchema>> = [];
  for (const [name, value] of Object.entries(hparamDict)) {
    if (value === null || value === undefined) continue;
    const domain = hparamDomainDiscrete[name];
    const discrete = (values: ValueInit[]) => (domain ? { domain: { case: 'domainDiscrete' as const, value: { values } } } : {});
    if (typeof value === 'string') {
      hparams[name] = stringValue(value);
      const domainValues = (domain ?? []).map((entry) => stringValue(String(entry)));
      hparamInfos.push({ name, type: HparamsDataType.STRING, ...discrete(domainValues) });
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      hparams[name] = numberValue(Number(value));
      const domainValues = (domain ?? []).map((entry) => numberValue(Number(entry)));
      hparamInfos.push({ name, type: HparamsDataType.FLOAT64, ...discrete(domainValues) });
    } else if (isTensor(value)) {
      // torch takes the first element of a tensor, whatever its size.
      hparams[name] = numberValue(value.dataSync()[0]!);
      hparamInfos.push({ name, type: HparamsDataType.FLOAT64 });
    } else {
      throw new TensorBoardError(`addHparams: value should be one of number, string, boolean or Tensor (hparamDict[${name}])`);
    }
  }

  const summary = (tag: string, data: PluginDataInit['data']): SummaryInit => {
    const content = toBinary(HParamsPluginDataSchema, create(HParamsPluginDataSchema, { version: 0, data }));
    return { value: [{ tag, metadata: { pluginData: { pluginName, content } } }] };
  };
  const metricInfos = Object.keys(metricDict).map((tag) => ({ name: { tag } }));
  return {
    experiment: summary(experimentTag, { case: 'experiment', value: { hparamInfos, metricInfos } }),
    sessionStartInfo: summary(sessionStartInfoTag, { case: 'sessionStartInfo', value: { hparams } }),
    sessionEndInfo: summary(sessionEndInfoTag, { case: 'sessionEndInfo', value: { status: Status.SUCCESS } }),
  };
}

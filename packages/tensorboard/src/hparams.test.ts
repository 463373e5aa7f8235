import { registerCpuBackend } from '@lantern/backend-cpu';
import { tensor } from '@lantern/tensor';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memorySink } from './sink.js';
import { decodeHparamsPluginData, readEvents } from './testing/event-file-reader.js';
import { SummaryWriter } from './writer.js';

await registerCpuBackend();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(1_800_000_000_250);
});
afterEach(() => vi.useRealTimers());

/** The session run's events: the three hparams summaries decoded, then the metric scalars. */
function sessionRun(sink: ReturnType<typeof memorySink>, directory: string) {
  const file = sink.files().find((candidate) => candidate.path.startsWith(`${directory}/events.out.tfevents.`));
  if (!file) throw new Error(`no event file in ${directory}: ${sink.files().map((entry) => entry.path)}`);
  const summaries = readEvents(file.bytes)
    .slice(1) // the version record
    .map((event) => event.summary.value[0]);
  const plugin = summaries.slice(0, 3).map((value) => {
    expect(value.metadata.plugin_data.plugin_name).toBe('hparams');
    return { tag: value.tag, data: decodeHparamsPluginData(value.metadata.plugin_data.content) };
  });
  return { plugin, metrics: summaries.slice(3) };
}

describe('addHparams', () => {
  it("writes the experiment, session start and session end summaries, then each metric, to the run 'runName'", () => {
    const sink = memorySink();
    const writer = new SummaryWriter('runs/search', { sink });
    writer.addHparams(
      { lr: 0.01, optimizer: 'adam', layers: 3 },
      { 'hparam/accuracy': 0.5, 'hparam/loss': tensor(0.25) },
      { hparamDomainDiscrete: { optimizer: ['sgd', 'adam'] }, runName: 'trial-7' },
    );
    const { plugin, metrics } = sessionRun(sink, 'runs/search/trial-7');
    expect(plugin).toEqual([
      {
        tag: '_hparams_/experiment',
        data: {
          experiment: {
            hparam_infos: [
              { name: 'lr', type: 3 },
              { name: 'optimizer', type: 1, domain_discrete: { values: [{ string_value: 'sgd' }, { string_value: 'adam' }] } },
              { name: 'layers', type: 3 },
            ],
            metric_infos: [{ name: { tag: 'hparam/accuracy' } }, { name: { tag: 'hparam/loss' } }],
          },
        },
      },
      {
        tag: '_hparams_/session_start_info',
        data: {
          session_start_info: {
            hparams: [
              { key: 'lr', value: { number_value: 0.01 } },
              { key: 'optimizer', value: { string_value: 'adam' } },
              { key: 'layers', value: { number_value: 3 } },
            ],
          },
        },
      },
      { tag: '_hparams_/session_end_info', data: { session_end_info: { status: 1 } } },
    ]);
    expect(metrics).toEqual([
      { tag: 'hparam/accuracy', simple_value: 0.5 },
      { tag: 'hparam/loss', simple_value: 0.25 },
    ]);
  });

  it("names the run after the current time by default, writes booleans as 1/0 numbers (torch 1.13's way), skips null", () => {
    const sink = memorySink();
    new SummaryWriter('runs/h', { sink }).addHparams({ augment: true, dropout: null, seed: tensor([4, 5]) }, {});
    const { plugin } = sessionRun(sink, 'runs/h/1800000000.25');
    expect(plugin[0]!.data.experiment).toEqual({
      hparam_infos: [
        { name: 'augment', type: 3 },
        { name: 'seed', type: 3 },
      ],
      metric_infos: [],
    });
    expect(plugin[1]!.data.session_start_info).toEqual({
      hparams: [
        { key: 'augment', value: { number_value: 1 } },
        { key: 'seed', value: { number_value: 4 } },
      ],
    });
  });

  it('refuses values of other types and domains that do not match their hyperparameter', () => {
    const writer = new SummaryWriter('runs/e');
    expect(() => writer.addHparams({ shape: [1, 2] as never }, {})).toThrow(
      'addHparams: value should be one of number, string, boolean or Tensor (hparamDict[shape])',
    );
    expect(() => writer.addHparams({ lr: 0.1 }, {}, { hparamDomainDiscrete: { lr: ['fast'] } })).toThrow(
      'addHparams: hparamDomainDiscrete[lr] should be a list of same type as hparamDict[lr].',
    );
    expect(() => writer.addHparams({ lr: 0.1 }, {}, { hparamDomainDiscrete: { momentum: [0.9] } })).toThrow(/momentum/);
    expect(() => writer.addHparams([] as never, {})).toThrow('should be dictionaries');
  });
});

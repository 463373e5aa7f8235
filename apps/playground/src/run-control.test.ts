import { afterEach, describe, expect, it } from 'vitest';
import { RunControl } from './run-control.js';

describe('RunControl', () => {
  const controls: RunControl[] = [];
  afterEach(() => {
    for (const control of controls.splice(0)) control.close();
  });
  const create = (events: string[]) => {
    const control = new RunControl({ paused: () => events.push('paused'), resumed: () => events.push('resumed') }, 0);
    controls.push(control);
    return control;
  };

  it('lets a message in at each checkpoint: a pause holds the loop there until resume', async () => {
    const events: string[] = [];
    const control = create(events);
    expect(await control.checkpoint()).toEqual({ stop: false, pausedMs: 0 });
    control.pause();
    let settled = false;
    const held = control.checkpoint().then((result) => {
      settled = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect([settled, events]).toEqual([false, ['paused']]);
    control.resume();
    const result = await held;
    expect(result.stop).toBe(false);
    expect(result.pausedMs).toBeGreaterThan(0);
    expect(events).toEqual(['paused', 'resumed']);
  });

  it('stop ends a pause, and every later checkpoint says stop', async () => {
    const events: string[] = [];
    const control = create(events);
    control.pause();
    const held = control.checkpoint();
    await new Promise((resolve) => setTimeout(resolve, 10));
    control.stop();
    expect((await held).stop).toBe(true);
    expect((await control.checkpoint()).stop).toBe(true);
    expect(events).toEqual(['paused']);
  });
});

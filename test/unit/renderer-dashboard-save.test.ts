/**
 * Saving a dashboard from the window (renderer/src/charts/save-dashboard.ts)
 * while main pushes `profiles.changed` for earlier saves: an operator who
 * types a title, then a unit, then picks a window must find all three saved,
 * whatever order the pushed layouts and the answers arrive in.
 */
import { describe, expect, it } from 'vitest';
import { createProfile, ProfileSettingsSchema, type Profile } from '../../shared/profiles';
import type { Dashboard } from '../../shared/telemetry';
import { AppStore } from '../../renderer/src/app/store';
import { changeChart } from '../../renderer/src/charts/dashboard-edit';
import { DashboardSaver } from '../../renderer/src/charts/save-dashboard';
import { createMemoryClient } from '../support/memory-client';

const series = { connectionId: 'p1', topic: 'plant/t', extractor: { kind: 'number' as const }, label: '' };
const initial: Dashboard = { charts: [{ id: 'c1', title: '', unit: '', window: '5m', series: [series] }] };

function profileWith(dashboard: Dashboard): Profile {
  return createProfile(ProfileSettingsSchema.parse({ name: 'Plant', url: 'mqtts://plant.example:8883' }), 'p1', { dashboard });
}

/** Waits (a bounded number of turns) until main holds a save waiting for its answer. */
async function untilGate(gates: unknown[]): Promise<void> {
  for (let turn = 0; turn < 100 && gates.length === 0; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
  expect(gates.length).toBeGreaterThan(0);
}

describe('saving a dashboard while main pushes older layouts', () => {
  it('keeps every edit when a pushed layout of an earlier save arrives before the next edit', async () => {
    const saved: Dashboard[] = [];
    // Main answers each save only when the test says so, as a busy main would.
    const gates: Array<() => void> = [];
    const client = createMemoryClient({
      'dashboard.save': async ({ dashboard }) => {
        await new Promise<void>((release) => gates.push(release));
        saved.push(dashboard);
        return profileWith(dashboard);
      },
      'profiles.list': () => [profileWith(saved.at(-1) ?? initial)],
    });
    const store = new AppStore(client);
    store.set({ profiles: [profileWith(initial)], selectedId: 'p1' });
    const stop = store.follow();
    const saver = new DashboardSaver(client, store);
    const chart = () => store.get().profiles[0]?.dashboard.charts[0];

    const title = saver.save('p1', (d) => changeChart(d, 'c1', { title: 'Oven' }));
    const unit = saver.save('p1', (d) => changeChart(d, 'c1', { unit: '°C' }));
    await untilGate(gates);
    // Main wrote the title and announces that layout, without the unit it has not reached yet.
    gates.shift()?.();
    await title;
    client.emit('profiles.changed', [profileWith(saved[0] as Dashboard)]);
    expect(chart()).toMatchObject({ title: 'Oven', unit: '°C' });

    // The next edit starts from what the operator sees, not from the pushed layout.
    const window = saver.save('p1', (d) => changeChart(d, 'c1', { window: 'all' }));
    for (let i = 0; i < 2; i++) {
      await untilGate(gates);
      gates.shift()?.();
    }
    await Promise.all([unit, window]);
    expect(saved.at(-1)?.charts[0]).toMatchObject({ title: 'Oven', unit: '°C', window: 'all' });

    // Once every save landed, main's pushes are taken as they are again.
    client.emit('profiles.changed', [profileWith(initial)]);
    expect(chart()).toMatchObject({ title: '', unit: '', window: '5m' });
    stop();
  });
});

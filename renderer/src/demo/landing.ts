/**
 * The first screen after the page opens: when the connection shown is the demo
 * fleet (the app started it on a first start), its live dashboard rather than
 * the security tab every other connection opens on, so the charts and the
 * grade badge are what a new operator sees first.
 */
import { getState } from '../app/store';
import { showTab } from '../connections/ConnectionView';

export function landOnDemo(): void {
  const { demo, selectedId } = getState();
  if (demo.profileId && selectedId === demo.profileId) showTab(demo.profileId, 'dashboard');
}

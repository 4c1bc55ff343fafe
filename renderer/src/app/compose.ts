/**
 * Builds the objects one window runs on around its client (services.ts):
 * called once by main.tsx, and by tests around an in-memory client.
 */
import type { ApiClient } from '../../../shared/client';
import { AlertListModel } from '../alerts/alert-list';
import { BudgetState } from '../charts/budget';
import { ChartRegistry } from '../charts/live-charts';
import { DashboardSaver } from '../charts/save-dashboard';
import { PublishMemory } from '../publish/memory';
import { LiveTopics } from '../topics/live-topics';
import { MessageList } from '../topics/message-list';
import type { Services } from './services';
import { AppStore } from './store';

export function createServices(client: ApiClient): Services {
  const store = new AppStore(client);
  return {
    client,
    store,
    topics: new LiveTopics(client),
    messages: new MessageList(client),
    charts: new ChartRegistry(client),
    budget: new BudgetState(),
    dashboards: new DashboardSaver(client, store),
    alerts: new AlertListModel(client),
    publish: new PublishMemory(),
  };
}

/**
 * The objects one window runs on, made once at startup (compose.ts) and
 * handed down through a React context: the client to the backend, the app
 * state, the live topic trees, the message list, the live charts, the memory budget, the
 * dashboard saves and what the Publish tab remembers. Nothing of it lives in module variables, so a test builds
 * its own set around an in-memory client.
 */
import { createContext, useContext } from 'react';
import type { ApiClient } from '../../../shared/client';
import type { AlertListModel } from '../alerts/alert-list';
import type { BudgetState } from '../charts/budget';
import type { ChartRegistry } from '../charts/live-charts';
import type { DashboardSaver } from '../charts/save-dashboard';
import type { PublishMemory } from '../publish/memory';
import type { LiveTopics } from '../topics/live-topics';
import type { MessageList } from '../topics/message-list';
import type { AppStore } from './store';

export interface Services {
  client: ApiClient;
  store: AppStore;
  topics: LiveTopics;
  /** The message list of the connection on screen (one per window). */
  messages: MessageList;
  charts: ChartRegistry;
  budget: BudgetState;
  dashboards: DashboardSaver;
  alerts: AlertListModel;
  /** The Publish tab's drafts and recent payloads, for this window's session. */
  publish: PublishMemory;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('No services: render the app inside <ServicesContext.Provider> (see main.tsx).');
  return services;
}

export function useClient(): ApiClient {
  return useServices().client;
}

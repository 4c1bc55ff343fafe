/**
 * The IPC contract: every channel between the renderer and main, declared once.
 * `invoke` channels map a request schema to a response schema; `events` are pushed
 * from main. Types are inferred from the schemas; both transports (Electron IPC and
 * the WebSocket host) and the preload are generated from this object.
 */
import { z } from 'zod';
import { ProfileSchema, ProfileSettingsSchema, SecretInputSchema } from './profiles';
import { SessionViewSchema } from './sessions';

const Id = z.string().min(1).max(64);
const Empty = z.object({}).strict();

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  transport: z.enum(['electron', 'websocket']),
  keychain: z.object({ available: z.boolean(), detail: z.string() }),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const contract = {
  invoke: {
    'app.info': { request: Empty, response: AppInfoSchema },

    'profiles.list': { request: Empty, response: z.array(ProfileSchema) },
    'profiles.save': {
      request: z
        .object({ id: Id.optional(), settings: ProfileSettingsSchema, secrets: SecretInputSchema.optional() })
        .strict(),
      response: ProfileSchema,
    },
    'profiles.delete': { request: z.object({ id: Id }).strict(), response: z.null() },

    'sessions.list': { request: Empty, response: z.array(SessionViewSchema) },
    'sessions.connect': { request: z.object({ id: Id }).strict(), response: SessionViewSchema },
    'sessions.disconnect': { request: z.object({ id: Id }).strict(), response: SessionViewSchema },
  },
  events: {
    'sessions.changed': SessionViewSchema,
    'profiles.changed': z.array(ProfileSchema),
  },
} as const;

type Contract = typeof contract;
export type InvokeName = keyof Contract['invoke'];
export type EventName = keyof Contract['events'];
/** What a caller passes (defaults not yet applied). */
export type InvokeRequest<K extends InvokeName> = z.input<Contract['invoke'][K]['request']>;
/** What a handler receives (validated, defaults applied). */
export type InvokeParsed<K extends InvokeName> = z.output<Contract['invoke'][K]['request']>;
export type InvokeResponse<K extends InvokeName> = z.output<Contract['invoke'][K]['response']>;
export type EventPayload<K extends EventName> = z.output<Contract['events'][K]>;

export const invokeNames = Object.keys(contract.invoke) as InvokeName[];
export const eventNames = Object.keys(contract.events) as EventName[];

/** The Electron IPC channel string of a contract name. */
export function ipcChannel(kind: 'invoke' | 'event', name: string): string {
  return `mqtts:${kind}:${name}`;
}

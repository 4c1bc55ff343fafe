/**
 * One real mosquitto with a single TLS listener for a whole test file: a PKI
 * generated at run time and the broker started before the file's own
 * `beforeAll` hooks, stopped after its own `afterAll` hooks (vitest runs
 * `afterAll` hooks in reverse order), so backends and hosts the file opens
 * close while the broker is still up.
 */
import { afterAll, beforeAll } from 'vitest';
import { startMosquitto, tlsListener, type Broker } from '../fixtures/mosquitto';
import { createTestPki, type TestPki } from '../fixtures/pki';
import { tempDir } from './backend';

export interface TlsBroker {
  pki(): TestPki;
  broker(): Broker;
  /** `mqtts://localhost:<tls port>` */
  url(): string;
}

/** Call at the top level of a test file, before its own hooks. */
export function useTlsBroker(): TlsBroker {
  let pki: TestPki | undefined;
  let broker: Broker | undefined;
  beforeAll(async () => {
    pki = createTestPki(tempDir('pki'));
    broker = await startMosquitto([tlsListener(pki.server)]);
  });
  afterAll(async () => {
    await broker?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useTlsBroker: the broker is started in beforeAll; read it from a hook or a test');
    return value;
  };
  return {
    pki: () => started(pki),
    broker: () => started(broker),
    url: () => `mqtts://localhost:${started(broker).ports.tls}`,
  };
}

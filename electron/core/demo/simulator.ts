/**
 * The demo fleet's devices: ovens, a room sensor, battery trackers, a door, a
 * gateway with a nested JSON status, publishing at realistic rates into the
 * demo broker; and door-7, which connects over TLS with its own certificate
 * that expires in 12 days and reports it.
 */
import type { MqttClient } from 'mqtt';
import { mqttJs } from '../sessions/mqtt-library';
import type { DemoBroker, DemoPki } from './demo-broker';

export const DEMO_TOPIC_ROOT = 'demo';

export interface Simulator {
  stop(): Promise<void>;
}

function noise(amplitude: number): number {
  return (Math.random() - 0.5) * 2 * amplitude;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function startSimulator(broker: DemoBroker, pki: DemoPki): Promise<Simulator> {
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, fn: () => void) => {
    fn();
    const timer = setInterval(fn, ms);
    timer.unref?.();
    timers.push(timer);
  };
  const started = Date.now();
  const t = () => (Date.now() - started) / 1000;

  for (let i = 1; i <= 3; i++) {
    every(1000, () => broker.publish(`demo/plant/line1/oven${i}/temperature`, String(round(180 + i * 5 + 8 * Math.sin(t() / (20 + i * 7)) + noise(0.6)))));
  }
  every(2000, () => broker.publish('demo/plant/line1/room/humidity', String(round(45 + 6 * Math.sin(t() / 90) + noise(0.8)))));
  for (let i = 1; i <= 20; i++) {
    every(1000, () => broker.publish(`demo/plant/line2/env${i}/temperature`, String(round(21 + i / 10 + Math.sin(t() / 60 + i) + noise(0.2)))));
  }
  const battery = [97, 84, 63, 41];
  battery.forEach((_, i) =>
    every(2000, () => {
      battery[i] = Math.max(3, (battery[i] ?? 50) - Math.random() * 0.15);
      broker.publish(`demo/fleet/tracker${i + 1}/battery`, JSON.stringify({ level: round(battery[i] ?? 0), charging: false, t: Date.now() }));
    }),
  );
  let rssi = -62;
  let uptime = 0;
  every(2000, () => {
    uptime += 2;
    rssi = Math.max(-90, Math.min(-45, rssi + noise(3)));
    broker.publish(
      'demo/plant/line1/gateway/status',
      JSON.stringify({
        uptime,
        firmware: '4.2.1',
        net: { rssi: round(rssi, 0), quality: rssi > -70 ? 'good' : 'weak' },
        sensors: [
          { id: 't1', value: round(22 + Math.sin(t() / 30) + noise(0.1), 2) },
          { id: 't2', value: round(24 + Math.cos(t() / 40) + noise(0.1), 2) },
        ],
      }),
    );
  });
  broker.publish('demo/plant/line1/gateway/config', JSON.stringify({ reportEvery: 2, site: 'Plant 1' }), true);

  // door-7 is a real TLS client with its own, soon expiring, certificate.
  const door: MqttClient = await mqttJs.connectAsync(`mqtts://localhost:${broker.port}`, {
    ca: pki.ca,
    cert: pki.expiringDevice.certificate,
    key: pki.expiringDevice.key,
    clientId: 'door-7',
    reconnectPeriod: 2000,
  });
  const daysLeft = Math.floor((Date.parse(pki.expiringDevice.notAfter) - Date.now()) / 86_400_000);
  door.publish('demo/plant/line1/door7/certificate', JSON.stringify({ subject: 'CN=door-7', notAfter: pki.expiringDevice.notAfter, daysLeft }), { retain: true, qos: 1 });
  let open = false;
  const toggle = () => {
    open = !open;
    door.publish('demo/plant/line1/door7/state', open ? 'open' : 'closed', { qos: 1 });
    const next = setTimeout(toggle, (open ? 3000 : 8000) + Math.random() * 4000);
    next.unref?.();
    timers.push(next);
  };
  toggle();

  return {
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      await door.endAsync(true);
    },
  };
}

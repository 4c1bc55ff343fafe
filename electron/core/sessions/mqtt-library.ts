/**
 * mqtt.js, loaded when the first connection attempt (or the demo's device)
 * needs it rather than when the core starts (see process/on-first-use.ts):
 * it was about a sixth of the headless host's time to its address, and on a
 * restart the first attempts come after a window has drawn its charts from
 * the recorded history.
 */
import type * as MqttJs from 'mqtt';
import { onFirstUse } from '../process/on-first-use';

export const mqttJs = onFirstUse<typeof MqttJs>('mqtt');

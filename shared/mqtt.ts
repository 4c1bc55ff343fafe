/**
 * MQTT vocabulary shared by profiles, telemetry and publishing.
 */
import { z } from 'zod';

export const QosSchema = z.union([z.literal(0), z.literal(1), z.literal(2)]);
export type Qos = z.infer<typeof QosSchema>;

/**
 * Payload decoders as a connection chooses them: rules from a topic filter to a
 * decoder (first match wins; a topic no rule matches is shown as it always
 * was, text, JSON or hex), the operator's `.proto` files the Protobuf rules
 * name their messages from, and what a topic update says about its decoded
 * payload. Decoding itself happens once per message in the core
 * (electron/core/decoders/); the window only ever gets decoded values.
 */
import { z } from 'zod';
import { topicFilterValid } from './mqtt';

export const DECODER_KINDS = ['sparkplug', 'protobuf', 'cbor', 'msgpack', 'json', 'text', 'hex'] as const;
export const DecoderKindSchema = z.enum(DECODER_KINDS);
export type DecoderKind = z.infer<typeof DecoderKindSchema>;

/** How each decoder is named on screen and in reasons. */
export const DECODER_LABELS: Record<DecoderKind, string> = {
  sparkplug: 'Sparkplug B',
  protobuf: 'Protobuf',
  cbor: 'CBOR',
  msgpack: 'MessagePack',
  json: 'JSON',
  text: 'Text',
  hex: 'Hex',
};

/** One `.proto` file: a schema, never a program; its text is what the operator picked. */
export const MAX_PROTO_CHARS = 256 * 1024;
export const MAX_PROTO_FILES = 8;
export const MAX_DECODER_RULES = 64;

/** A Protobuf message's full name as a `.proto` file declares it (`acme.Telemetry`). */
const MESSAGE_NAME = /^\.?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export const ProtoFileSchema = z.object({
  /** The file name the operator picked; other files `import` it by this name. */
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9_.\-/]+\.proto$/, 'A .proto file name is letters, digits, _ . - / and ends in .proto.'),
  text: z.string().max(MAX_PROTO_CHARS, `A .proto file is at most ${MAX_PROTO_CHARS / 1024} KB.`),
});
export type ProtoFile = z.infer<typeof ProtoFileSchema>;

export const DecoderRuleSchema = z
  .object({
    filter: z
      .string()
      .min(1)
      .max(65535)
      .refine(topicFilterValid, 'A filter uses + for one level and # only as the last level.'),
    decoder: DecoderKindSchema,
    /** Protobuf only: the message type payloads on these topics are (`acme.Telemetry`). */
    message: z.string().trim().max(512).default(''),
  })
  .superRefine((rule, ctx) => {
    if (rule.decoder !== 'protobuf') return;
    if (!rule.message) ctx.addIssue({ code: 'custom', path: ['message'], message: 'A Protobuf rule names the message type its payloads are, such as acme.Telemetry.' });
    else if (!MESSAGE_NAME.test(rule.message)) ctx.addIssue({ code: 'custom', path: ['message'], message: `"${rule.message}" is not a Protobuf message name (package.Message).` });
  });
export type DecoderRule = z.infer<typeof DecoderRuleSchema>;

export const DecodersSchema = z
  .object({
    rules: z.array(DecoderRuleSchema).max(MAX_DECODER_RULES),
    protos: z.array(ProtoFileSchema).max(MAX_PROTO_FILES),
  })
  .superRefine((decoders, ctx) => {
    const seen = new Set<string>();
    decoders.protos.forEach((file, i) => {
      if (seen.has(file.name)) ctx.addIssue({ code: 'custom', path: ['protos', i, 'name'], message: `Two imported .proto files are named ${file.name}.` });
      seen.add(file.name);
    });
  });
export type Decoders = z.infer<typeof DecodersSchema>;

/** Sparkplug B topics are decoded as such unless the operator removes the rule. */
export const SPARKPLUG_RULE: DecoderRule = { filter: 'spBv1.0/#', decoder: 'sparkplug', message: '' };
export const DEFAULT_DECODERS: Decoders = { rules: [SPARKPLUG_RULE], protos: [] };

/** What a `.proto` file defines, as its import shows it. */
export const ProtoSummarySchema = z.object({
  name: z.string(),
  /** Full names of the message types, for a rule to pick from. */
  messages: z.array(z.string()),
});
export type ProtoSummary = z.infer<typeof ProtoSummarySchema>;

export const SPARKPLUG_KINDS = ['NBIRTH', 'NDEATH', 'NDATA', 'NCMD', 'DBIRTH', 'DDEATH', 'DDATA', 'DCMD', 'STATE'] as const;
export const SparkplugKindSchema = z.enum(SPARKPLUG_KINDS);
export type SparkplugKind = z.infer<typeof SparkplugKindSchema>;

/** Where a Sparkplug message sits: its edge node (and device), and what the node's births say of it. */
export const SparkplugFactsSchema = z.object({
  kind: SparkplugKindSchema,
  group: z.string(),
  /** The edge node, or for STATE the host application. */
  edge: z.string(),
  /** '' for node-level messages. */
  device: z.string(),
  /** Whether a birth of this node (or device) has been seen: aliases of DATA messages resolve only through one. */
  born: z.boolean(),
  /** Sequence numbers that did not follow the previous message of the edge node. */
  seqGaps: z.number().int(),
  /** Metrics of the last message whose alias no birth named. */
  unresolved: z.number().int(),
});
export type SparkplugFacts = z.infer<typeof SparkplugFactsSchema>;

/** The decoded side of a topic update. */
export const DecodedPreviewSchema = z.object({
  decoder: DecoderKindSchema,
  /**
   * The last payload decoded, as JSON text cut to PREVIEW_CHARS; null when it
   * did not decode. Absent when not sent: a window's batches carry the decoded
   * form (and the Sparkplug facts) of the one topic it focuses
   * (`telemetry.focus`), not of every topic that changed.
   */
  json: z.string().nullable().optional(),
  truncated: z.boolean(),
  /** Payloads of this topic that did not decode, and the decoder's reason for the last of them. */
  failures: z.number().int(),
  lastFailure: z.string().nullable(),
  sparkplug: SparkplugFactsSchema.optional(),
});
export type DecodedPreview = z.infer<typeof DecodedPreviewSchema>;

/** The decoded form of a whole payload (`topics.payload`). */
export const DecodedPayloadSchema = z.object({
  decoder: DecoderKindSchema,
  /** JSON text of the decoded value (null when it did not decode), cut to MAX_DECODED_JSON_CHARS. */
  json: z.string().nullable(),
  truncated: z.boolean(),
  error: z.string().nullable(),
});
export type DecodedPayload = z.infer<typeof DecodedPayloadSchema>;

/** The decoded JSON of one whole payload sent to the window at most. */
export const MAX_DECODED_JSON_CHARS = 1024 * 1024;

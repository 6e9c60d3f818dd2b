// Entry point `@novatrade24/webhooks/otel`: OpenTelemetry spans and metrics for the sender, through
// `@opentelemetry/api` (an optional peer: install it to use this entry). Explicit names, grouped
// by section (CONTRIBUTING.md). Guide: docs/observability.md.

export {
  INSTRUMENTATION_SCOPE,
  type InstrumentSenderOptions,
  instrumentSender,
  type SenderInstrumentation,
} from './instrument-sender.js';

import { startTelemetry } from '@consign/telemetry';

/** Imported first by main.ts: tracing must patch http, express and pg before they are loaded. */
export const telemetry = startTelemetry('reconciler');

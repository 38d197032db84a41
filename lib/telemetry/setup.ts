/**
 * OpenTelemetry for the app, Node runtime only, started by instrumentation.ts
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set (and loaded only then): traces and
 * metrics sent over OTLP/HTTP to that endpoint, under OTEL_SERVICE_NAME
 * (default `nextjs-oidc-login`). The exporters read the standard OTEL_*
 * variables themselves (headers, protocol paths, timeouts). Next.js's own spans
 * (each request, each render) go to the same provider, and ours nest in them.
 */
import { context, diag, DiagConsoleLogger, DiagLogLevel, metrics, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics'
import { BatchSpanProcessor, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace'
import { markTelemetryOn } from './trace'

export interface TelemetryOptions {
  /** Where spans go; OTLP/HTTP in batches by default. */
  readonly spanProcessors?: readonly SpanProcessor[]
  /** What reads the counters; OTLP/HTTP every 60 s by default. */
  readonly metricReaders?: readonly MetricReader[]
}

/** OTEL_LOG_LEVEL (error, warn, info, debug, verbose): what the SDK says of itself, an export that fails among it. Quiet otherwise. */
function sdkLogLevel(): DiagLogLevel | undefined {
  const name = process.env.OTEL_LOG_LEVEL?.trim().toUpperCase()
  const level = name ? DiagLogLevel[name as keyof typeof DiagLogLevel] : undefined
  return typeof level === 'number' ? level : undefined
}

/** OTEL_METRIC_EXPORT_INTERVAL, in milliseconds, as the OpenTelemetry SDKs read it; a minute by default. */
function metricInterval(): number {
  const value = Number(process.env.OTEL_METRIC_EXPORT_INTERVAL)
  return Number.isInteger(value) && value > 0 ? value : 60_000
}

export function startTelemetry(options: TelemetryOptions = {}): { readonly shutdown: () => Promise<void> } {
  const level = sdkLogLevel()
  if (level !== undefined) diag.setLogger(new DiagConsoleLogger(), level)
  const resource = resourceFromAttributes({
    'service.name': process.env.OTEL_SERVICE_NAME?.trim() || 'nextjs-oidc-login',
  })
  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [...(options.spanProcessors ?? [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })])],
  })
  const meterProvider = new MeterProvider({
    resource,
    readers: [
      ...(options.metricReaders ?? [
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter(),
          exportIntervalMillis: metricInterval(),
        }),
      ]),
    ],
  })
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  trace.setGlobalTracerProvider(tracerProvider)
  metrics.setGlobalMeterProvider(meterProvider)
  markTelemetryOn()
  return {
    shutdown: async () => {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()])
    },
  }
}

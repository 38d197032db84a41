/**
 * Runs once when the server starts. The checks live in lib/startup.ts, which
 * uses Node APIs; this file is also compiled for the Edge runtime, where it does nothing.
 * With OTEL_EXPORTER_OTLP_ENDPOINT set, OpenTelemetry starts first (lib/telemetry/setup.ts),
 * loaded only then: without it, none of the SDK is loaded.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()) {
      const { startTelemetry } = await import('./lib/telemetry/setup')
      const telemetry = startTelemetry()
      // What is still batched goes out when the server is stopped (as far as it gets before the process exits).
      process.once('SIGTERM', () => void telemetry.shutdown())
    }
    const { checkAtStartup } = await import('./lib/startup')
    await checkAtStartup()
  }
}

/**
 * Spans around the app's own calls: to a provider (lib/oidc/http.ts) and to the
 * session store (./store.ts). Through the OpenTelemetry API only: without an
 * SDK (OTEL_EXPORTER_OTLP_ENDPOINT unset, ./setup.ts not run) nothing is
 * recorded and the wrappers are not even put in place (`telemetryOn`).
 *
 * Attributes name the provider, the endpoint or store call and how it ended,
 * never a token, a code, a secret or a cookie: URLs go without their query.
 */
import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api'

export const TRACER_NAME = 'nextjs-oidc-login'

const ON = Symbol.for('nextjs-oidc-login.telemetry-on')
const shared = globalThis as { [ON]?: boolean }

/** Whether ./setup.ts started an SDK in this process (every bundle of the app sees the same answer). */
export function telemetryOn(): boolean {
  return shared[ON] === true
}

export function markTelemetryOn(): void {
  shared[ON] = true
}

/** How a call ended, as the `outcome` attribute says it: `ok`, or what went wrong in a word. */
export type Outcome = 'ok' | 'error' | 'unreachable' | `http_${number}`

/**
 * Runs `work` in a span of its own, a child of the request's. The span ends
 * with `outcome` (from `judge` when the work returned, `error` when it threw)
 * and the error's type, never its message.
 */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: () => Promise<T>,
  judge: (value: T) => Outcome = () => 'ok',
  kind = SpanKind.INTERNAL,
): Promise<T> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      const value = await work()
      const outcome = judge(value)
      span.setAttribute('outcome', outcome)
      if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR })
      return value
    } catch (error) {
      span.setAttributes({ outcome: outcomeOfError(error), 'error.type': errorType(error) })
      span.setStatus({ code: SpanStatusCode.ERROR })
      throw error
    } finally {
      span.end()
    }
  })
}

function outcomeOfError(error: unknown): Outcome {
  return error instanceof TypeError || (error instanceof Error && error.name === 'TimeoutError')
    ? 'unreachable'
    : 'error'
}

/** A code where the error has one (oauth4webapi's, Node's), else its class: never its message, which may quote a provider. */
function errorType(error: unknown): string {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' ? code : error instanceof Error ? error.name : typeof error
}

/**
 * `target` with every method call in a span `<prefix>.<method>` (the session
 * store's, say): same methods, same answers, same errors.
 */
export function tracedMethods<T extends object>(target: T, prefix: string, attributes: Attributes): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver)
      if (typeof value !== 'function' || typeof property !== 'string') return value
      return (...args: unknown[]) =>
        inSpan(`${prefix}.${property}`, attributes, async () =>
          (value as (...a: unknown[]) => unknown).apply(object, args),
        )
    },
  })
}

/**
 * The app's counters, through the OpenTelemetry API: without an SDK they
 * count nothing and cost a no-op call. Attributes are the provider's id and a
 * kind or outcome, never anything of the user.
 */
import { metrics, type Counter } from '@opentelemetry/api'
import { TRACER_NAME } from './trace'

let counters:
  Record<'signIns' | 'signInFailures' | 'refreshes' | 'signOuts' | 'backchannelLogouts', Counter> | undefined

/** Made on first use, after ./setup.ts registered the SDK (a counter made before would stay a no-op). */
function counter(name: keyof NonNullable<typeof counters>): Counter {
  if (!counters) {
    const meter = metrics.getMeter(TRACER_NAME)
    counters = {
      signIns: meter.createCounter('oidc.sign_ins', { description: 'Sign-ins completed: a session begun' }),
      signInFailures: meter.createCounter('oidc.sign_in_failures', {
        description: 'Sign-ins that failed, by kind (LoginError kinds)',
      }),
      refreshes: meter.createCounter('oidc.refreshes', { description: 'Refresh grants spent, by outcome' }),
      signOuts: meter.createCounter('oidc.sign_outs', {
        description: 'Sign-outs, by scope (this, others, everywhere)',
      }),
      backchannelLogouts: meter.createCounter('oidc.backchannel_logouts', {
        description: 'Back-channel logout tokens, by outcome',
      }),
    }
  }
  return counters[name]
}

export const count = {
  signIn: (provider: string) => counter('signIns').add(1, { provider }),
  signInFailure: (kind: string, provider?: string) =>
    counter('signInFailures').add(1, { kind, ...(provider ? { provider } : {}) }),
  refresh: (provider: string, outcome: string) => counter('refreshes').add(1, { provider, outcome }),
  signOut: (scope: string) => counter('signOuts').add(1, { scope }),
  backchannelLogout: (provider: string, outcome: string) => counter('backchannelLogouts').add(1, { provider, outcome }),
}

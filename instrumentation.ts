/**
 * Runs once when the server starts. The checks live in lib/startup.ts, which
 * uses Node APIs; this file is also compiled for the Edge runtime, where it does nothing.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { checkAtStartup } = await import('./lib/startup')
    await checkAtStartup()
  }
}

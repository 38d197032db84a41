/**
 * What must be undone however the benchmark ends: servers stopped, providers
 * closed. Run in reverse order of registration, each once, on the normal path,
 * on failure, and on SIGINT/SIGTERM.
 */
type Undo = () => Promise<void> | void

const undos: Array<{ label: string; undo: Undo }> = []

export function onCleanup(label: string, undo: Undo): void {
  undos.push({ label, undo })
}

/** Runs every registered step, newest first; a step that fails does not keep the others from running. */
export async function cleanUp(): Promise<void> {
  while (undos.length > 0) {
    const { label, undo } = undos.pop()!
    try {
      await undo()
    } catch (error) {
      console.error(`Cleanup "${label}" failed: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
}

/** `fn`, made safe to call more than once: the explicit stop and the final cleanup may both call it. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined
  return () => (done ??= fn())
}

/** On an interrupt: the given stop first (the running load), then the cleanup, then exit. */
export function cleanUpOnSignals(stopFirst: () => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping servers and providers…`)
      stopFirst()
      void cleanUp().then(() => process.exit(130))
    })
  }
}

/** Stopping a child process we started: SIGTERM, then SIGKILL if it has not exited within the grace period. */
import type { ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'

export function stopper(child: ChildProcess, graceMs: number): () => Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    if ((await Promise.race([exited, sleep(graceMs, 'timeout' as const)])) === 'timeout') {
      child.kill('SIGKILL')
      await exited
    }
  }
}

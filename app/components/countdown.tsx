'use client'

import { nowSeconds } from '@/lib/clock'
import { useEffect, useState } from 'react'

function format(seconds: number): string {
  if (seconds <= 0) return 'expired'
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`
}

/** Time left until `at` (epoch seconds), ticking once a second. Rendered on the server first. */
export function Countdown({ at, now }: { at: number; now: number }) {
  const [left, setLeft] = useState(at - now)
  useEffect(() => {
    const tick = () => setLeft(at - nowSeconds())
    tick()
    const timer = setInterval(tick, 1000)
    return () => clearInterval(timer)
  }, [at])
  return <span data-countdown>{format(left)}</span>
}

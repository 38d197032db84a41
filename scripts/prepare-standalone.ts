/**
 * After `next build`: completes the standalone server in <distDir>/standalone
 * (.next by default; the benchmark's build passes .next-bench) with the files
 * it serves as they are (Next leaves the static files and public/ out of it,
 * expecting a CDN or a copy), so `npm start` and the Docker image serve them.
 */
import { cpSync, existsSync } from 'node:fs'

const distDir = process.argv[2] ?? '.next'
cpSync(`${distDir}/static`, `${distDir}/standalone/${distDir}/static`, { recursive: true })
if (existsSync('public')) cpSync('public', `${distDir}/standalone/public`, { recursive: true })

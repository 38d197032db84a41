/**
 * After `next build`: completes the standalone server in .next/standalone with
 * the files it serves as they are (Next leaves .next/static and public/ out of
 * it, expecting a CDN or a copy), so `npm start` and the Docker image serve them.
 */
import { cpSync, existsSync } from 'node:fs'

cpSync('.next/static', '.next/standalone/.next/static', { recursive: true })
if (existsSync('public')) cpSync('public', '.next/standalone/public', { recursive: true })

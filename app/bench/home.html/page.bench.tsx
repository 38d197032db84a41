/**
 * The home page as a bare page of its kind: the same page at an asset-like
 * path, which no middleware matcher or session check can ever reach. The
 * benchmark holds `/` without a session to this (it must not pay for anything
 * a visitor without a session does not need). Only in the benchmark's build.
 */
export { default } from '@/app/(site)/page'

export declare const REQUIRED: readonly [number, number, number]
export declare function nodeVersionProblem(version: string): string | undefined

// Stands in for `server-only` in unit tests: Next resolves that package itself (it throws in client bundles); Node has none.
export {}

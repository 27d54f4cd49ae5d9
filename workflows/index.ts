// The workflow bundle's entry: re-exports workflow functions only (issue 5 adds the lifecycle workflows).
export {};

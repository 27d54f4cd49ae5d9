#!/usr/bin/env -S npx tsx
// The `capstan` bin (package.json "bin"): tsx runs the TypeScript sources as they are.
import './main.ts';

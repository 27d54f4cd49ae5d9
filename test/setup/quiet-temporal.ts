import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers log every state change at INFO and every expected activity failure at WARN; tests
// assert on outcomes, so only errors are worth printing.
Runtime.install({ logger: new DefaultLogger('ERROR') });

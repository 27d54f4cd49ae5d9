// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the Reflect
// metadata API before the library's first line runs: this import must stay first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

/** @peculiar/x509 with its polyfill loaded and Node's WebCrypto as provider: production code imports it only from here. */
export { x509 };

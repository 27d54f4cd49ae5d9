// @peculiar/x509 needs the Reflect metadata API before its first line runs: keep this import first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

/** @peculiar/x509 with Node's WebCrypto as provider; every simulator imports it only from here. */
export { x509 };

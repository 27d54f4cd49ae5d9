/** The one @peculiar/x509 set-up production code shares (the Talos PKI here, the webhook's serving certificate in client/). */
export { x509 } from '../../runtime/x509.ts';
